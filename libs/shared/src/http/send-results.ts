import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendVersioned } from '../etag/etag';
import { sendReplayed } from '../idempotency/replayed';
import { sendPage } from '../paging/send-page';
import { LocationOptions, locationSender } from './location';

/**
 * Turns one of a handler's result types into the response: sets its headers on `reply` and returns
 * what goes on (the unwrapped value), or returns `result` untouched when it is not its type.
 */
export type ResultSender = (
  result: unknown,
  reply: FastifyReply,
  request: FastifyRequest,
) => unknown;

/**
 * Sends what handlers return as headers and a body: a `Replayed` as its value with
 * `Idempotent-Replayed`, a `Versioned` with its `ETag`, a created resource with the `Location` its
 * route declares, a `Page` as its items with `x-continuation-token`, in that order (a replayed create
 * still gets its Location); only for a successful reply. It runs when the reply is sent, after every
 * interceptor, so interceptors (idempotency, audit) see the handler's own result types.
 *
 * A Fastify `preSerialization` hook rather than a global Nest interceptor: a global interceptor puts
 * every request of the app through Nest's interceptor chain (a deferred observable and an async
 * resource each time), whatever the route returns, and that alone cost the audit append about
 * 0.5 ms of the 2.8 ms of CPU it spent (bench/audit-append.mjs, side by side). This hook costs a few
 * `instanceof` checks, and only for object payloads.
 */
export function sendResults(app: NestFastifyApplication): void {
  const senders: ResultSender[] = [
    sendReplayed,
    sendVersioned,
    locationSender(app.get(LocationOptions)),
    sendPage,
  ];
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('preSerialization', (request, reply, payload, done) => {
      // Errors (problem+json) are sent through the same hook, and are no handler's result.
      if (reply.statusCode >= 300) {
        return done(null, payload);
      }
      let result: unknown = payload;
      for (const send of senders) {
        result = send(result, reply, request);
      }
      done(null, result);
    });
}
