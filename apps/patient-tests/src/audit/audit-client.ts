import { UnavailableError } from '@app/shared/errors';
import {
  Caller,
  REQUEST_BUDGET_HEADER,
  traceparentFor,
} from '@app/shared/http';
import { trace } from '@opentelemetry/api';
import { HttpService } from '@nestjs/axios';
import { Injectable } from '@nestjs/common';
import { AxiosError, AxiosRequestConfig, isAxiosError } from 'axios';
import { firstValueFrom } from 'rxjs';
import { PatientTestsConfig } from '../config/patient-tests.config';
import { AuditApiKey } from './audit-api-key';
import type { AuditedOperation, AuditedResource } from './audited.decorator';
import { AuditFailureReason, recordAuditFailure } from './audit-metrics';

/** The service name the audit register records as the source of these entries. */
export const SOURCE_SYSTEM_NAME = 'patient-tests';
const AUDIT_RETRY_AFTER_SECONDS = 5;

/**
 * Anything but the one answer audit gives for a stored record fails the request. A redirect is not
 * followed: it would turn the POST into a GET that answers 2xx with nothing recorded, and carry the key
 * to wherever it points. No proxy from the environment either: the key goes to AUDIT_API_URL only.
 */
const ONLY_A_STORED_RECORD: AxiosRequestConfig = {
  // 0 makes axios use Node's http directly instead of follow-redirects: a 3xx is just a status.
  maxRedirects: 0,
  proxy: false,
  validateStatus: (status) => status === 201,
};

/** `attempted` for a write about to happen, else the HTTP status the request answered. */
export type AuditOutcome = 'attempted' | number;

export interface AuditEntry {
  resource: AuditedResource;
  operation: AuditedOperation;
  resourceId?: string;
  /** Every patient whose data the request concerns. */
  patientIds: string[];
  outcome: AuditOutcome;
  /** On the outcome of a write: the id of its `attempted` record. */
  attemptId?: string;
}

/** What the audit API answered for a stored record: its id, to link an outcome to its attempt. */
export interface RecordedEntry {
  id: string;
}

/** The audit API over HTTP. An audit that fails for any reason fails the operation (503). */
@Injectable()
export class AuditClient {
  constructor(
    private readonly http: HttpService,
    private readonly config: PatientTestsConfig,
    private readonly key: AuditApiKey,
  ) {}

  /**
   * Records `entry` for the request with `correlationId`, made by `caller`. No Idempotency-Key: an
   * append whose outcome is unknown (timeout, dropped connection) is never sent again (the request
   * fails closed with 503 instead), and the one resend, after a 401, follows an append the audit API
   * refused before doing anything. A key would cost the audit register a second write per record.
   * The caller is sent as patient-tests' client: audit records it as asserted by patient-tests
   * (`onBehalfOf`), with what was not verified kept apart (`unverified`).
   */
  async record(
    entry: AuditEntry,
    correlationId: string,
    caller: Caller = {},
  ): Promise<RecordedEntry> {
    const body = {
      sourceSystemName: SOURCE_SYSTEM_NAME,
      resource: {
        type: entry.resource,
        id: entry.resourceId,
        operation: entry.operation,
      },
      patientIds: entry.patientIds,
      outcome: entry.outcome,
      attemptId: entry.attemptId,
      actor: caller.actor,
      clientAddress: caller.clientAddress,
      unverified: caller.unverified,
    };
    // One deadline for the whole call, retry included; audit is told the time left, so it starts no
    // write that would finish after patient-tests has given up (and answered 503).
    const attempt = {
      correlationId,
      deadline: Date.now() + this.config.AUDIT_TIMEOUT_MS,
    };
    const key = this.key.current();
    try {
      try {
        return await this.post(body, key, attempt);
      } catch (error) {
        if (!rejectedKey(error)) {
          throw error;
        }
        // Audit rejecting the key means it was rotated and our cached copy is stale: re-read it once
        // (unless a concurrent call already did) and retry once with the new value. An unchanged key
        // would be rejected again, so then there is no retry.
        const cached = this.key.current();
        const fresh = cached !== key ? cached : await this.key.refresh();
        if (fresh === key) {
          throw error;
        }
        return await this.post(body, fresh, attempt);
      }
    } catch (error) {
      recordAuditFailure(failureReason(error));
      throw new UnavailableError(
        'AUDIT_UNAVAILABLE',
        'The audit register is unavailable, so the operation was not performed.',
        AUDIT_RETRY_AFTER_SECONDS,
        error,
      );
    }
  }

  private async post(
    body: object,
    key: string,
    { correlationId, deadline }: { correlationId: string; deadline: number },
  ): Promise<RecordedEntry> {
    const budgetMs = Math.max(0, deadline - Date.now());
    const response = await firstValueFrom(
      this.http.post(`${this.config.AUDIT_API_URL}/auditrecord`, body, {
        headers: {
          'x-functions-key': key,
          [REQUEST_BUDGET_HEADER]: String(budgetMs),
          // The audit record stores this trace id as its correlationId. With telemetry on, the HTTP
          // instrumentation sends the active span's traceparent (same trace id) instead.
          ...(trace.getActiveSpan()
            ? {}
            : { traceparent: traceparentFor(correlationId) }),
        },
        timeout: budgetMs,
        // `timeout` alone does not bound connecting; the signal bounds the whole call.
        signal: AbortSignal.timeout(budgetMs),
        ...ONLY_A_STORED_RECORD,
      }),
    );
    const id = (response.data as { id?: unknown } | null | undefined)?.id;
    if (typeof id !== 'string') {
      // Not an answer from the register: without a record id there is no proof of a record.
      throw new UnexpectedAuditAnswer();
    }
    return { id };
  }
}

/** A 2xx from the audit URL that is not a stored record (e.g. not the register answering). */
class UnexpectedAuditAnswer extends Error {
  constructor() {
    super('The audit API answered without a record id');
    this.name = 'UnexpectedAuditAnswer';
  }
}

const rejectedKey = (error: unknown) =>
  isAxiosError(error) && error.response?.status === 401;

/** Why an audit call failed, for the `audit_failures` metric (no request data in it). */
function failureReason(error: unknown): AuditFailureReason {
  if (
    (isAxiosError(error) && error.response) ||
    error instanceof UnexpectedAuditAnswer
  ) {
    return 'rejected';
  }
  const code = (error as AxiosError | undefined)?.code;
  return code === 'ECONNABORTED' ||
    code === 'ETIMEDOUT' ||
    code === 'ERR_CANCELED'
    ? 'timeout'
    : 'unreachable';
}
