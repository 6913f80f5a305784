import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, Observable } from 'rxjs';

/** Response header of a replayed outcome. */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

/**
 * What a handler that keeps its own idempotency records (the audit append) returns for a replay: the
 * original response body, sent with `Idempotent-Replayed: true`.
 */
export class Replayed<T> {
  constructor(readonly value: T) {}
}

/** Sends a returned `Replayed` as its value with `Idempotent-Replayed: true`. */
@Injectable()
export class ReplayedInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((result: unknown): unknown => {
        if (!(result instanceof Replayed)) {
          return result;
        }
        context
          .switchToHttp()
          .getResponse<FastifyReply>()
          .header(IDEMPOTENT_REPLAYED_HEADER, 'true');
        return result.value as unknown;
      }),
    );
  }
}
