import { app, HttpMethod } from '@azure/functions';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppHost } from '../config/app-host';
import { stopTelemetry } from '../telemetry/telemetry';
import { createHttpHandler, NestHttpHandler } from './http-handler';

/** Every method the v4 model accepts: the Nest app, not the trigger, decides what each route allows. */
export const ALL_HTTP_METHODS: HttpMethod[] = [
  'GET',
  'POST',
  'DELETE',
  'HEAD',
  'PATCH',
  'PUT',
  'OPTIONS',
  'TRACE',
  'CONNECT',
];

/**
 * Registers one Nest app as the only function of a Function App: a catch-all HTTP trigger
 * (`{*segments}` under host.json's `api` route prefix, so URLs are the same as in the plain HTTP host)
 * that requires a function key, and an `appTerminate` hook that closes the app (and its database
 * connection) and flushes telemetry when the host shuts the worker down. Returns the handler, e.g. for tests.
 * `host` says what the Functions host does in front of the app (the entry states it, e.g.
 * `{ hostChecksKeys: true }`), and reaches the app through its factory.
 */
export function registerFunctionApp(
  name: string,
  factory: (host: AppHost) => Promise<NestFastifyApplication>,
  host: AppHost,
): NestHttpHandler {
  const handler = createHttpHandler(() => factory(host));
  // Buffered bodies: inject() takes whole payloads, and the adapter reads at most 64 KiB + 1 byte.
  app.setup({ enableHttpStream: false });
  app.http(name, {
    route: '{*segments}',
    methods: ALL_HTTP_METHODS,
    authLevel: 'function',
    handler,
  });
  app.hook.appTerminate(async () => {
    await handler.close();
    // Flush what telemetry still holds; the worker is about to go.
    await stopTelemetry();
  });
  return handler;
}
