import { KeyVaultSecrets, traceparentFor, UnavailableError } from '@app/shared';
import { HttpService } from '@nestjs/axios';
import { Injectable } from '@nestjs/common';
import { isAxiosError } from 'axios';
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
    private readonly secrets: KeyVaultSecrets,
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
    const key = this.currentKey();
    try {
      try {
        await this.post(body, key, correlationId);
      } catch (error) {
        if (!rejectedKey(error)) {
          throw error;
        }
        // Audit rejecting the key means it was rotated and our cached copy is stale: re-read it once
        // (unless a concurrent call already did) and retry once with the new value. An unchanged key
        // would be rejected again, so then there is no retry.
        const cached = this.currentKey();
        const fresh =
          cached !== key ? cached : await this.secrets.refresh('AUDIT_API_KEY');
        if (fresh === undefined || fresh === key) {
          throw error;
        }
        await this.post(body, fresh, correlationId);
      }
    } catch (error) {
      throw new UnavailableError(
        'AUDIT_UNAVAILABLE',
        'The audit register is unavailable, so the operation was not performed.',
        AUDIT_RETRY_AFTER_SECONDS,
        error,
      );
    }
  }

  /** Key Vault's current copy when it holds the key, else the configured one. */
  private currentKey(): string {
    return this.secrets.current('AUDIT_API_KEY') ?? this.config.AUDIT_API_KEY;
  }

  private async post(
    body: object,
    key: string,
    correlationId: string,
  ): Promise<void> {
    await firstValueFrom(
      this.http.post(`${this.config.AUDIT_API_URL}/auditrecord`, body, {
        headers: {
          'x-functions-key': key,
          // The audit record stores this trace id as its correlationId.
          traceparent: traceparentFor(correlationId),
        },
        timeout: this.config.AUDIT_TIMEOUT_MS,
        // `timeout` alone does not bound connecting; the signal bounds the whole call.
        signal: AbortSignal.timeout(this.config.AUDIT_TIMEOUT_MS),
        validateStatus: (status) => status >= 200 && status < 300,
      }),
    );
  }
}

const rejectedKey = (error: unknown) =>
  isAxiosError(error) && error.response?.status === 401;
