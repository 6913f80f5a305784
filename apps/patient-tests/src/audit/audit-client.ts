import { traceparentFor, UnavailableError } from '@app/shared';
import { HttpService } from '@nestjs/axios';
import { Injectable } from '@nestjs/common';
import { firstValueFrom } from 'rxjs';
import { PatientTestsConfig } from '../config/patient-tests.config';
import type { AuditedOperation, AuditedResource } from './audited.decorator';

/** The service name the audit register records as the source of these entries. */
export const SOURCE_SYSTEM_NAME = 'patient-tests';
const AUDIT_RETRY_AFTER_SECONDS = 5;

export interface AuditEntry {
  resource: AuditedResource;
  operation: AuditedOperation;
  resourceId?: string;
}

/** The audit API over HTTP. An audit that fails for any reason fails the operation (503). */
@Injectable()
export class AuditClient {
  constructor(
    private readonly http: HttpService,
    private readonly config: PatientTestsConfig,
  ) {}

  async record(entry: AuditEntry, correlationId: string): Promise<void> {
    const body = {
      sourceSystemName: SOURCE_SYSTEM_NAME,
      resource: {
        type: entry.resource,
        id: entry.resourceId,
        operation: entry.operation,
      },
    };
    try {
      await firstValueFrom(
        this.http.post(`${this.config.AUDIT_API_URL}/auditrecord`, body, {
          headers: {
            'x-functions-key': this.config.AUDIT_API_KEY,
            // The audit record stores this trace id as its correlationId.
            traceparent: traceparentFor(correlationId),
          },
          timeout: this.config.AUDIT_TIMEOUT_MS,
          // `timeout` alone does not bound connecting; the signal bounds the whole call.
          signal: AbortSignal.timeout(this.config.AUDIT_TIMEOUT_MS),
          validateStatus: (status) => status >= 200 && status < 300,
        }),
      );
    } catch (error) {
      throw new UnavailableError(
        'AUDIT_UNAVAILABLE',
        'The audit register is unavailable, so the operation was not performed.',
        AUDIT_RETRY_AFTER_SECONDS,
        error,
      );
    }
  }
}
