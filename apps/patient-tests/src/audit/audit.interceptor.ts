import {
  Caller,
  callerOf,
  correlationIdOf,
  Page,
  toProblem,
  truncateText,
} from '@app/shared/http';
import {
  CallHandler,
  ExecutionContext,
  Injectable,
  Logger,
  NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, Observable } from 'rxjs';
import { AuditClient, AuditEntry, AuditOutcome } from './audit-client';
import { assignedIdOf } from './assigned-id.decorator';
import { AUDIT_ACTION, AuditAction, isWrite } from './audited.decorator';

/** Audit ids are bounded like every other string; a longer one cannot name a resource anyway. */
const MAX_AUDITED_ID = 128;
/** More patients than one FHIR transaction may concern (its report has one subject). */
const MAX_PATIENTS_FROM_BODY = 16;

/** One audited request: what it does, to whom, and who asked. */
interface AuditedRequest {
  action: AuditAction;
  request: FastifyRequest;
  reply: FastifyReply;
  resourceId?: string;
  correlationId: string;
  caller: Caller;
}

/**
 * Records every declared access in the audit register, naming every patient whose data it concerns
 * and how it ended, and never lets data out or a write happen without its record:
 *
 * - A **read** (read, search, list) is recorded once its result is known, with the HTTP status and,
 *   for a search, the ids actually returned, and before anything is sent. When the record cannot be
 *   written the client gets 503 and nothing else.
 * - A **write** (create, update) is recorded *before* it happens, with outcome `attempted`: no audit,
 *   no write (503). Its outcome is then a second record, linked by `attemptId`, written before the
 *   response is sent. Two records rather than one because the outcome of a write (201, or a 412 that
 *   changed nothing) exists only after the write, and the rule that a write needs a record first is not
 *   negotiable. If that second record cannot be written, the write has happened anyway: answering 503
 *   would invite a retry that writes again, so the response goes out, the failure is counted in
 *   `audit_failures` and logged, and the attempt stands in the register without an outcome (read it as
 *   "may have happened").
 *
 * Attempts that are then rejected (invalid body, unknown id) stay recorded with their status: they are
 * accesses too.
 */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger(AuditInterceptor.name);

  constructor(
    private readonly reflector: Reflector,
    private readonly audit: AuditClient,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const action = this.reflector.get<AuditAction | undefined>(
      AUDIT_ACTION,
      context.getHandler(),
    );
    if (!action) {
      return next.handle();
    }
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const audited: AuditedRequest = {
      action,
      request,
      reply: http.getResponse<FastifyReply>(),
      resourceId: this.resourceIdFor(action, request),
      correlationId: correlationIdOf(request.raw),
      caller: callerOf(request),
    };
    const handle = () => lastValueFrom(next.handle());
    return from(
      isWrite(action)
        ? this.auditWrite(audited, handle)
        : this.auditRead(audited, handle),
    );
  }

  private async auditRead(
    audited: AuditedRequest,
    handle: () => Promise<unknown>,
  ): Promise<unknown> {
    let result: unknown;
    try {
      result = await handle();
    } catch (error) {
      await this.record(audited, statusOf(error), []);
      throw error;
    }
    await this.record(
      audited,
      audited.reply.statusCode,
      this.disclosedPatientIds(audited.action, result),
    );
    return result;
  }

  private async auditWrite(
    audited: AuditedRequest,
    handle: () => Promise<unknown>,
  ): Promise<unknown> {
    const attempt = await this.record(audited, 'attempted');
    let result: unknown;
    try {
      result = await handle();
    } catch (error) {
      await this.recordOutcome(audited, statusOf(error), attempt.id);
      throw error;
    }
    await this.recordOutcome(
      audited,
      audited.reply.statusCode,
      attempt.id,
      audited.action.disclosedIn?.(result) ?? [],
    );
    return result;
  }

  private async recordOutcome(
    audited: AuditedRequest,
    status: number,
    attemptId: string,
    disclosed: string[] = [],
  ): Promise<void> {
    try {
      await this.record(audited, status, disclosed, attemptId);
    } catch {
      // The audit client counted it (audit_failures); no request data in the log line.
      this.logger.warn(
        { correlationId: audited.correlationId },
        `The outcome (${status}) of audited write ${attemptId} could not be recorded; the write's attempt record stands.`,
      );
    }
  }

  private record(
    { action, request, resourceId, correlationId, caller }: AuditedRequest,
    outcome: AuditOutcome,
    disclosed: string[] = [],
    attemptId?: string,
  ): Promise<{ id: string }> {
    const named = this.namedPatientIds(action.patients, request);
    const entry: AuditEntry = {
      resource: action.resource,
      operation: action.operation,
      resourceId,
      patientIds: [...new Set([...named, ...disclosed])],
      outcome,
      attemptId,
    };
    return this.audit.record(entry, correlationId, caller);
  }

  private resourceIdFor(
    action: AuditAction,
    request: FastifyRequest,
  ): string | undefined {
    if (action.resourceId === 'assigned') {
      return assignedIdOf(request);
    }
    if (action.resourceId === 'none') {
      return undefined;
    }
    const value = paramOf(request, action.resourceId.param);
    const { recordedAs } = action.resourceId;
    return value === undefined || !recordedAs ? value : recordedAs(value);
  }

  /** The patients the request itself names, known before the handler runs. */
  private namedPatientIds(
    patients: AuditAction['patients'],
    request: FastifyRequest,
  ): string[] {
    if (patients === 'returned' || patients === 'none') {
      return [];
    }
    if (patients === 'assigned') {
      return [assignedIdOf(request)];
    }
    if ('inBody' in patients) {
      // Read before validation: bounded like any audited id, so a hostile body cannot bloat a record.
      return patients
        .inBody(request.body)
        .slice(0, MAX_PATIENTS_FROM_BODY)
        .map((id) => truncateText(id, MAX_AUDITED_ID));
    }
    const id = paramOf(request, patients.param);
    return id === undefined ? [] : [id];
  }

  /** The patients a read's result discloses: what `disclosedIn` finds, or a search's items. */
  private disclosedPatientIds(action: AuditAction, result: unknown): string[] {
    if (action.disclosedIn) {
      return action.disclosedIn(result);
    }
    return action.patients === 'returned'
      ? this.returnedPatientIds(result)
      : [];
  }

  /** The ids of the patients a search returned (its page's items). */
  private returnedPatientIds(result: unknown): string[] {
    const items = result instanceof Page ? result.items : result;
    if (!Array.isArray(items)) {
      return [];
    }
    return items
      .map((item) => (item as { id?: unknown } | null)?.id)
      .filter((id): id is string => typeof id === 'string');
  }
}

function paramOf(request: FastifyRequest, name: string): string | undefined {
  const value = (request.params as Record<string, string | undefined>)[name];
  // Cut between characters: half an emoji would be stored as U+FFFD but hashed as itself.
  return value === undefined ? undefined : truncateText(value, MAX_AUDITED_ID);
}

/** The status the problem filter will answer for `error`. */
const statusOf = (error: unknown) => toProblem(error, '').status;
