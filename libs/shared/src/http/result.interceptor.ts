import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { map, Observable } from 'rxjs';
import { sendReplayed } from '../idempotency/replayed';
import { sendVersioned } from '../etag/etag';
import { sendPage } from '../paging/send-page';
import { LocationOptions, locationSender } from './location';

/**
 * Turns one of a handler's result types into the response: sets its headers on `reply` and returns
 * what goes on (the unwrapped value), or returns `result` untouched when it is not its type.
 */
export type ResultSender = (result: unknown, reply: FastifyReply) => unknown;

/**
 * Sends what handlers return as headers and a body: a `Replayed` as its value with
 * `Idempotent-Replayed`, a `Versioned` with its `ETag`, a created resource with the `Location` its
 * route declares, a `Page` as its items with `x-continuation-token`, in that order (a replayed
 * create still gets its Location).
 *
 * One interceptor with a list rather than one interceptor per type because Nest wraps every global
 * interceptor in its own deferred observable and async resource on every request, whatever the
 * route returns: four of them cost the audit append, where nothing else is slow, about a tenth of
 * its time (bench/audit-append.mjs).
 */
@Injectable()
export class ResultInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly locations: LocationOptions,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const senders: ResultSender[] = [sendReplayed, sendVersioned];
    const sendLocation = locationSender(
      this.reflector,
      context.getHandler(),
      this.locations,
    );
    if (sendLocation) {
      senders.push(sendLocation);
    }
    senders.push(sendPage);
    return next
      .handle()
      .pipe(
        map((result: unknown) =>
          senders.reduce((value, send) => send(value, reply), result),
        ),
      );
  }
}
