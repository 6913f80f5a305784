import { Module } from '@nestjs/common';
import { AuditRecordsModule } from '../audit-records/audit-records.module';
import { AuditEventsService } from './audit-events.service';
import { FhirBaseUrl } from './fhir-base-url';
import { FhirController } from './fhir.controller';

/** `GET /api/fhir/AuditEvent`, `/AuditEvent/{id}` and `/metadata`: the register as FHIR, read-only. */
@Module({
  imports: [AuditRecordsModule],
  controllers: [FhirController],
  providers: [AuditEventsService, FhirBaseUrl],
})
export class FhirModule {}
