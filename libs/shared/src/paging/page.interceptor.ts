import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, Observable } from 'rxjs';
import { CONTINUATION_HEADER, Page } from './paging';

/** Sends a returned `Page` as a JSON array, with `x-continuation-token` when more results exist. */
@Injectable()
export class PageInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((result: unknown): unknown => {
        if (!(result instanceof Page)) {
          return result;
        }
        if (result.continuationToken) {
          context
            .switchToHttp()
            .getResponse<FastifyReply>()
            .header(CONTINUATION_HEADER, result.continuationToken);
        }
        return result.items as unknown[];
      }),
    );
  }
}
