import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { APPEND_KEY_MODEL, AppendKeySchema } from './append-key.schema';
import { AppendKeysRepository } from './append-keys.repository';
import { AuditAppender } from './audit-appender';
import { AUDIT_RECORD_MODEL, AuditRecordSchema } from './audit-record.schema';
import { AuditRecordsController } from './audit-records.controller';
import { AuditRecordsRepository } from './audit-records.repository';
import { AuditRecordsService } from './audit-records.service';
import { CHAIN_HEAD_MODEL, ChainHeadSchema } from './chain-head.schema';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: AUDIT_RECORD_MODEL, schema: AuditRecordSchema },
      { name: CHAIN_HEAD_MODEL, schema: ChainHeadSchema },
      { name: APPEND_KEY_MODEL, schema: AppendKeySchema },
    ]),
  ],
  controllers: [AuditRecordsController],
  providers: [
    AuditRecordsService,
    AuditRecordsRepository,
    AuditAppender,
    AppendKeysRepository,
  ],
})
export class AuditRecordsModule {}
