import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { map, Observable } from 'rxjs';
import { GLOBAL_PREFIX } from './constants';

const LOCATION = 'http:location';

/** Sets `Location` on a created resource, from the handler's result, e.g. `(p) => \`patient/${p.id}\``. */
export const Location = <T>(pathOf: (created: T) => string) =>
  SetMetadata(LOCATION, pathOf);

@Injectable()
export class LocationInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const pathOf = this.reflector.get<
      ((created: unknown) => string) | undefined
    >(LOCATION, context.getHandler());
    if (!pathOf) {
      return next.handle();
    }
    return next.handle().pipe(
      map((created: unknown) => {
        context
          .switchToHttp()
          .getResponse<FastifyReply>()
          .header('location', `/${GLOBAL_PREFIX}/${pathOf(created)}`);
        return created;
      }),
    );
  }
}
