import { createHash } from 'node:crypto';
import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  HttpStatus,
  Injectable,
  NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { catchError, from, mergeMap, Observable, of, throwError } from 'rxjs';
import { callerOf, RequestWithKeyName } from '../auth/caller';
import { BadRequestError, DomainError } from '../errors/domain-error';
import { canonicalJson } from '../json/canonical-json';
import { ApiIdempotencyKey } from '../openapi/request-headers.decorator';
import { Versioned } from '../etag/etag';
import type { StoredOutcome } from './idempotency-record.schema';
import { IdempotencyStore } from './idempotency.store';
import { fromReplayTemplate, toReplayTemplate } from './replay-template';
import { IDEMPOTENT_REPLAYED_HEADER } from './replayed';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** Response header of a replayed outcome. */
const IDEMPOTENT = 'idempotency:enabled';

/** Marks a create route as honouring the `Idempotency-Key` header, and documents it (and 409, 422). */
export const Idempotent = () =>
  applyDecorators(SetMetadata(IDEMPOTENT, true), ApiIdempotencyKey());

/** A key is a Structured Fields string (quoted) or, leniently, the bare text: 1-255 visible ASCII. */
function parseKey(header: string | string[]): string {
  const value = Array.isArray(header)
    ? undefined
    : header.trim().replace(/^"(.*)"$/, '$1');
  if (!value || !/^[\x21-\x7e]{1,255}$/.test(value)) {
    throw new BadRequestError(
      'INVALID_IDEMPOTENCY_KEY',
      'Idempotency-Key must be one string of 1-255 visible characters.',
    );
  }
  return value;
}

const sha256 = (text: string) =>
  createHash('sha256').update(text, 'utf8').digest('hex');

/** 422: the key was first used with another request. */
export const idempotencyKeyReused = () =>
  new DomainError(
    'IDEMPOTENCY_KEY_REUSED',
    422,
    'This Idempotency-Key was used with a different request.',
  );

/** 409: the first request with this key has not finished. */
export const idempotencyKeyInFlight = () =>
  new DomainError(
    'IDEMPOTENCY_KEY_IN_FLIGHT',
    409,
    'A request with this Idempotency-Key is still running.',
    { retryAfterSeconds: 1 },
  );

/** An `Idempotency-Key` use: the key scoped to caller and route, and a hash of the request body. */
export interface IdempotencyScope {
  /** Scoped to the caller and the route: one client's key can never return another client's response. */
  id: string;
  fingerprint: string;
}

/** The request's `Idempotency-Key` scope, or undefined when it sends none; 400 for a malformed key. */
export function idempotencyScopeOf(
  request: RequestWithKeyName,
): IdempotencyScope | undefined {
  const header = request.headers[IDEMPOTENCY_KEY_HEADER];
  if (header === undefined) {
    return undefined;
  }
  const key = parseKey(header);
  const path = request.url.split('?')[0].replace(/\/+$/, '');
  const caller = callerOf(request);
  return {
    // An unverified subscription claim narrows the scope further (never widens it), so subscriptions
    // behind a gateway that sends no gateway secret still do not share keys.
    id: sha256(
      `${caller.actor ?? 'anonymous'}\n${caller.unverified?.actor ?? ''}\n${request.method} ${path}\n${key}`,
    ),
    fingerprint: sha256(canonicalJson(request.body ?? null)),
  };
}

/**
 * Idempotency-Key for creates (draft-ietf-httpapi-idempotency-key-header): the first request with a
 * key runs and its response is kept for 24 h; a replay with the same body gets that response again
 * (same id, same status, header `Idempotent-Replayed`), the same key with another body gets 422, and a
 * replay while the first is still running gets 409. Failed requests release their key.
 *
 * It must run before the audit interceptor, so a replay is not audited as a second create: modules
 * register it ahead of theirs.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly store: IdempotencyStore,
  ) {}

  async intercept(
    context: ExecutionContext,
    next: CallHandler,
  ): Promise<Observable<unknown>> {
    if (!this.reflector.get<boolean>(IDEMPOTENT, context.getHandler())) {
      return next.handle();
    }
    const scope = idempotencyScopeOf(
      context.switchToHttp().getRequest<RequestWithKeyName>(),
    );
    if (scope === undefined) {
      return next.handle();
    }
    const { id, fingerprint } = scope;

    const claim = await this.store.claim(id, fingerprint);
    switch (claim.kind) {
      case 'mismatch':
        throw idempotencyKeyReused();
      case 'in-flight':
        throw idempotencyKeyInFlight();
      case 'replay':
        return of(this.replay(context, claim.outcome));
      case 'claimed':
        return next.handle().pipe(
          mergeMap((result: unknown) =>
            from(
              this.store
                .complete(id, this.outcomeOf(context, result))
                .then(() => result),
            ),
          ),
          catchError((error: unknown) =>
            from(this.store.release(id)).pipe(
              mergeMap(() => throwError(() => error)),
            ),
          ),
        );
    }
  }

  private outcomeOf(context: ExecutionContext, result: unknown): StoredOutcome {
    const request = context.switchToHttp().getRequest<RequestWithKeyName>();
    const status =
      this.reflector.get<number | undefined>(
        HTTP_CODE_METADATA,
        context.getHandler(),
      ) ?? (request.method === 'POST' ? HttpStatus.CREATED : HttpStatus.OK);
    // Only what the server decided is kept: the patient data of the response is the request's own.
    const versioned = result instanceof Versioned;
    const { body, fromRequest } = toReplayTemplate(
      versioned ? result.value : result,
      request.body,
    );
    return versioned
      ? { status, body, fromRequest, version: result.version }
      : { status, body, fromRequest };
  }

  private replay(context: ExecutionContext, outcome: StoredOutcome): unknown {
    context
      .switchToHttp()
      .getResponse<FastifyReply>()
      .status(outcome.status)
      .header(IDEMPOTENT_REPLAYED_HEADER, 'true');
    const body = outcome.fromRequest
      ? fromReplayTemplate(
          { body: outcome.body, fromRequest: outcome.fromRequest },
          context.switchToHttp().getRequest<RequestWithKeyName>().body,
        )
      : outcome.body;
    return outcome.version === undefined
      ? body
      : new Versioned(body, outcome.version);
  }
}
