import { Module } from '@nestjs/common';
import { AuditRecordsModule } from '../audit-records/audit-records.module';
import { ChainController } from './chain.controller';
import { ChainVerificationService } from './chain-verification.service';
import { checkpointProviders } from './checkpoint.providers';
import { CheckpointsService } from './checkpoints.service';

@Module({
  imports: [AuditRecordsModule],
  controllers: [ChainController],
  providers: [
    ...checkpointProviders,
    CheckpointsService,
    ChainVerificationService,
  ],
})
export class ChainModule {}
