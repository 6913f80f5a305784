import { BadRequestError } from '@app/shared/errors';
import { REQUEST_BUDGET_HEADER, RequestWithKeyName } from '@app/shared/http';
import { IdempotencyScope, idempotencyScopeOf } from '@app/shared/idempotency';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/** Budget of a caller that sends none (a direct API client), and the most any caller may ask for. */
export const DEFAULT_BUDGET_MS = 5000;
export const MAX_BUDGET_MS = 30_000;

/** How an append must be done: by when, while the caller is there, and under which Idempotency-Key. */
export interface AppendOptions {
  deadline: number;
  signal: AbortSignal;
  idempotency?: IdempotencyScope;
}

function budgetOf(header: string | string[] | undefined): number {
  if (header === undefined) {
    return DEFAULT_BUDGET_MS;
  }
  if (typeof header !== 'string' || !/^\d{1,9}$/.test(header)) {
    throw new BadRequestError(
      'INVALID_REQUEST_BUDGET',
      `${REQUEST_BUDGET_HEADER} must be one whole number of milliseconds.`,
    );
  }
  return Math.min(Number(header), MAX_BUDGET_MS);
}

/**
 * The append's deadline (now plus the caller's `x-request-budget-ms`), a signal aborted when the
 * caller's connection closes before it was answered, and the request's Idempotency-Key scope.
 */
export const AppendOptionsOf = createParamDecorator(
  (_: unknown, context: ExecutionContext): AppendOptions => {
    const http = context.switchToHttp();
    const request = http.getRequest<RequestWithKeyName>();
    const response = http.getResponse<FastifyReply>().raw;
    const deadline =
      Date.now() + budgetOf(request.headers[REQUEST_BUDGET_HEADER]);
    const gone = new AbortController();
    response.once('close', () => {
      if (!response.writableEnded) {
        gone.abort();
      }
    });
    return {
      deadline,
      signal: gone.signal,
      idempotency: idempotencyScopeOf(request),
    };
  },
);
