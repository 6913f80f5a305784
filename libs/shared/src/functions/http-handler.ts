// Why we own this adapter: the package Nest names for Azure Functions, `@nestjs/azure-func-http`, last
// released 0.10.0 for the v3 programming model and Nest <= 10; under `@azure/functions` v4 it crashes
// (`Cannot read properties of undefined (reading 'body')`) and its v4 request has been open since 2022.
// No maintained package mounts Nest in the v4 model, so this small adapter does, with its own tests.
import { performance } from 'node:perf_hooks';
import type {
  Cookie,
  HttpRequest,
  HttpResponseInit,
  InvocationContext,
} from '@azure/functions';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { InjectOptions } from 'fastify';
import {
  FunctionInvocation,
  runInInvocation,
  runOutsideInvocation,
} from './invocation';
import { BODY_LIMIT_BYTES } from '../http/constants';
import { withRequestSpan } from '../telemetry/request-span';
import { parseSetCookie } from './set-cookie';

/** Builds and initialises the Nest app (without listening): the app's one factory. */
export type NestAppFactory = () => Promise<NestFastifyApplication>;

/** A v4 HTTP handler serving one Nest app, and the way to close that app. */
export interface NestHttpHandler {
  (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit>;
  /** Closes the Nest app (and so its database connection) if it was started. */
  close(): Promise<void>;
}

/** Name of the `performance.measure` entry recording how long the Nest bootstrap took. */
export const NEST_BOOTSTRAP_MEASURE = 'nest-bootstrap';

/** Hop-by-hop headers (RFC 9110 7.6.1) describe one connection, not the message: never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'trailers',
  'transfer-encoding',
  'upgrade',
]);

/** Header names that must not cross the adapter: hop-by-hop ones and those the Connection header lists. */
function droppedHeaders(connection: string | undefined): Set<string> {
  const dropped = new Set(HOP_BY_HOP);
  for (const name of (connection ?? '').split(',')) {
    if (name.trim()) {
      dropped.add(name.trim().toLowerCase());
    }
  }
  return dropped;
}

const isDropped = (name: string, dropped: Set<string>) =>
  dropped.has(name) || name.startsWith('proxy-');

/**
 * The body's bytes, read no further than one byte past `BODY_LIMIT_BYTES`: a larger body is never
 * read to its end, and that one extra byte makes Fastify's own body limit answer 413 problem+json,
 * exactly as it does over a socket.
 */
async function boundedBody(request: HttpRequest): Promise<Buffer | undefined> {
  if (!request.body) {
    return undefined;
  }
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size <= BODY_LIMIT_BYTES) {
      const { done, value } = await reader.read();
      if (done) {
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    // Stops the rest of an over-long body; for a body read to its end this is a no-op.
    await reader.cancel();
  }
  return Buffer.concat(chunks).subarray(0, BODY_LIMIT_BYTES + 1);
}

/** The request as Fastify's `inject()` takes it: method, path and query, headers, raw body bytes. */
async function toInjectOptions(
  request: HttpRequest,
  invocation: FunctionInvocation,
): Promise<InjectOptions> {
  const url = new URL(request.url);
  const dropped = droppedHeaders(
    request.headers.get('connection') ?? undefined,
  );
  // inject() sets content-length from the bytes it is given, so a stale one cannot disagree with them.
  dropped.add('content-length');
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    if (!isDropped(name, dropped)) {
      headers[name] = value;
    }
  });
  // Continue the host's trace when the caller sent none, so logs correlate with the invocation.
  const hostTraceparent = invocation.traceContext?.traceParent;
  if (headers.traceparent === undefined && hostTraceparent) {
    headers.traceparent = hostTraceparent;
  }
  const method = request.method.toUpperCase() as InjectOptions['method'];
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const body = hasBody ? await boundedBody(request) : undefined;
  return {
    method,
    url: `${url.pathname}${url.search}`,
    headers,
    payload: body && body.length > 0 ? body : undefined,
  };
}

type InjectedHeaders = Record<string, string | string[] | number | undefined>;

/** Fastify's response as `HttpResponseInit`; `Set-Cookie` headers become `cookies` (see parseSetCookie). */
function toResponseInit(
  status: number,
  injected: InjectedHeaders,
  body: Buffer,
): HttpResponseInit {
  const connection = injected.connection;
  const dropped = droppedHeaders(
    typeof connection === 'string' ? connection : undefined,
  );
  const headers: [string, string][] = [];
  const cookies: Cookie[] = [];
  for (const [name, value] of Object.entries(injected)) {
    const lower = name.toLowerCase();
    if (value === undefined || isDropped(lower, dropped)) {
      continue;
    }
    const values = Array.isArray(value) ? value : [String(value)];
    for (const item of values) {
      if (lower === 'set-cookie') {
        const cookie = parseSetCookie(item);
        if (cookie) {
          cookies.push(cookie);
        }
      } else {
        headers.push([lower, item]);
      }
    }
  }
  return {
    status,
    headers,
    ...(cookies.length > 0 ? { cookies } : {}),
    ...(body.length > 0 ? { body } : {}),
  };
}

/**
 * Turns a Nest app factory into an Azure Functions v4 HTTP handler.
 *
 * The app is bootstrapped on the first invocation and shared by all later ones: concurrent cold
 * invocations await one memoised promise (one bootstrap), and a bootstrap that fails is forgotten so
 * the next invocation tries again instead of failing forever. Each request is forwarded with Fastify's
 * `inject()` (no socket), so it runs the app's whole global pipeline, and is served inside an
 * AsyncLocalStorage scope that `currentInvocation()` reads.
 */
export function createHttpHandler(factory: NestAppFactory): NestHttpHandler {
  let bootstrap: Promise<NestFastifyApplication> | undefined;

  const appFor = (
    context: InvocationContext,
  ): Promise<NestFastifyApplication> =>
    (bootstrap ??= runOutsideInvocation(async () => {
      const started = performance.now();
      const app = await factory();
      const measure = performance.measure(NEST_BOOTSTRAP_MEASURE, {
        start: started,
      });
      context.info(
        `Nest app bootstrapped in ${Math.round(measure.duration)} ms`,
      );
      return app;
    }).catch((error: unknown) => {
      // Not cached: a transient failure (e.g. Key Vault unreachable) must not outlive this invocation.
      bootstrap = undefined;
      throw error;
    }));

  const handler = async (
    request: HttpRequest,
    context: InvocationContext,
  ): Promise<HttpResponseInit> => {
    const app = await appFor(context);
    const invocation: FunctionInvocation = {
      invocationId: context.invocationId,
      functionName: context.functionName,
      traceContext: context.traceContext,
      logger: context,
    };
    // The host's trace context is the parent: the invocation joins the trace the host is recording.
    const traceparent =
      invocation.traceContext?.traceParent ??
      request.headers.get('traceparent') ??
      undefined;
    const span = {
      method: request.method.toUpperCase(),
      path: new URL(request.url).pathname,
      traceparent,
      tracestate: invocation.traceContext?.traceState ?? undefined,
    };
    return runInInvocation(invocation, () =>
      withRequestSpan(span, async () => {
        const response = await app
          .getHttpAdapter()
          .getInstance()
          .inject(await toInjectOptions(request, invocation));
        return toResponseInit(
          response.statusCode,
          response.headers,
          response.rawPayload,
        );
      }),
    );
  };

  return Object.assign(handler, {
    close: async () => {
      const pending = bootstrap;
      bootstrap = undefined;
      const app = await pending?.catch(() => undefined);
      await app?.close();
    },
  });
}
