import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AUDIT_RECORD_MODEL, AuditRecordSchema } from './audit-record.schema';
import { AuditRecordsController } from './audit-records.controller';
import { AuditRecordsRepository } from './audit-records.repository';
import { AuditRecordsService } from './audit-records.service';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: AUDIT_RECORD_MODEL, schema: AuditRecordSchema },
    ]),
  ],
  controllers: [AuditRecordsController],
  providers: [AuditRecordsService, AuditRecordsRepository],
  // The chain module verifies and checkpoints the register through the repository's reads.
  exports: [AuditRecordsRepository],
})
export class AuditRecordsModule {}
