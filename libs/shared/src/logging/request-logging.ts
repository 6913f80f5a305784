import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { correlationIdOf } from '../correlation/correlation';
import { HEALTH_PATH } from '../http/constants';
import { redactUrl } from './redact-url';

/** What a request's log line says of it: no headers (keys), no bodies (patient data). */
const requestFields = (request: FastifyRequest) => ({
  req: { method: request.method, url: redactUrl(request.url) },
  correlationId: correlationIdOf(request.raw),
});

/** ...and of its answer. */
const replyFields = (reply: FastifyReply) => ({
  res: { statusCode: reply.statusCode },
  responseTime: Math.round(reply.elapsedTime),
});

const asWritten = (value: unknown) => value;

/** Probes are not requests anyone investigates. */
const isProbe = (request: FastifyRequest) =>
  request.routeOptions.url === HEALTH_PATH;

/**
 * Logs every request from Fastify's own hooks: one line when it is answered (or abandoned by its
 * caller), with the method, redacted URL, status, time and correlation id.
 *
 * Written here rather than left to nestjs-pino's request middleware because that middleware runs
 * through Nest's middleware layer for Fastify (@fastify/middie) and pino-http, which together cost
 * the audit append about 0.5 ms of CPU per request (bench/audit-append.mjs, side by side). The
 * module's middleware is therefore mounted on no route (`loggerParams`); the logger itself, its level
 * and its destination are still nestjs-pino's.
 *
 * Nor does this put each request in an async context (nestjs-pino's `runInContext`) so that every
 * line the app writes while handling it carries its correlation id: on Node 22 an active
 * AsyncLocalStorage makes every promise pay for its context, which cost the append another 0.45 ms
 * on the plain HTTP host (`nest start`, `make dev`, the bench). In Azure the Functions adapter's own
 * scope (`currentInvocation`) and OpenTelemetry's keep an AsyncLocalStorage active anyway, so there
 * the saving is smaller. Either way the few lines an app writes for a request (a 5xx, a refused key,
 * an outcome that could not be audited) name `correlationId` themselves.
 */
export function logRequests(app: NestFastifyApplication): void {
  // The root logger exists by now: configureApp has already taken nestjs-pino's Logger from the app.
  // Its serializers are pino-http's, made for raw Node requests and responses; the request line's
  // `req` and `res` are already what is to be written.
  const lines = PinoLogger.root.child(
    {},
    { serializers: { req: asWritten, res: asWritten } },
  );
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onResponse', (request, reply, done) => {
    if (lines.isLevelEnabled('info') && !isProbe(request)) {
      lines.info(
        { ...requestFields(request), ...replyFields(reply) },
        'request completed',
      );
    }
    done();
  });
  // The caller went away before the answer (e.g. patient-tests gave up on an audit append).
  fastify.addHook('onRequestAbort', (request, done) => {
    if (lines.isLevelEnabled('info') && !isProbe(request)) {
      lines.info(requestFields(request), 'request aborted');
    }
    done();
  });
}
