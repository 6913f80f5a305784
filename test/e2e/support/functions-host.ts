import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import {
  Cookie,
  HttpRequest,
  HttpResponse,
  HttpResponseInit,
  InvocationContext,
} from '@azure/functions';
import type { NestHttpHandler } from '@app/shared/functions';
import mongoose, { Connection } from 'mongoose';
import type { Transport } from '../../support/http';

/** The base URL the Functions host would give the apps (host.json's `api` route prefix). */
export const FUNCTIONS_BASE_URL = 'http://localhost:7071/api';

/** An invocation context as the host builds one, with a logger that stays quiet unless asked. */
export function invocationContext(
  init: ConstructorParameters<typeof InvocationContext>[0] = {},
): InvocationContext {
  return new InvocationContext({
    invocationId: randomUUID(),
    functionName: 'e2e',
    logHandler: () => undefined,
    ...init,
  });
}

/** A `Set-Cookie` line for a v4 cookie, in the attribute order the worker itself serialises. */
export function serializeCookie(cookie: Cookie): string {
  const parts = [`${cookie.name}=${cookie.value}`];
  if (cookie.maxAge !== undefined) {
    parts.push(`Max-Age=${cookie.maxAge}`);
  }
  if (cookie.domain) {
    parts.push(`Domain=${cookie.domain}`);
  }
  if (cookie.path) {
    parts.push(`Path=${cookie.path}`);
  }
  if (cookie.expires !== undefined) {
    parts.push(`Expires=${new Date(cookie.expires).toUTCString()}`);
  }
  if (cookie.httpOnly) {
    parts.push('HttpOnly');
  }
  if (cookie.secure) {
    parts.push('Secure');
  }
  if (cookie.sameSite) {
    parts.push(`SameSite=${cookie.sameSite}`);
  }
  return parts.join('; ');
}

/**
 * What a client of the Functions host receives for a handler's result: the worker builds an
 * `HttpResponse` from it (so repeated headers are combined as fetch does) and sends cookies apart.
 */
export async function received(init: HttpResponseInit): Promise<{
  status: number;
  headers: Headers;
  body: Buffer;
}> {
  const response = new HttpResponse(init);
  const headers = new Headers(response.headers);
  for (const cookie of response.cookies) {
    headers.append('set-cookie', serializeCookie(cookie));
  }
  return {
    status: response.status,
    headers,
    body: Buffer.from(await response.arrayBuffer()),
  };
}

/** Invokes a handler as the host does for one HTTP request. */
export async function invoke(
  handler: NestHttpHandler,
  method: string,
  url: string,
  init: { headers?: Record<string, string>; body?: Buffer | string } = {},
  context: InvocationContext = invocationContext(),
): Promise<HttpResponseInit> {
  const body =
    init.body === undefined
      ? undefined
      : typeof init.body === 'string'
        ? { string: init.body }
        : { bytes: init.body };
  return handler(
    new HttpRequest({ method, url, headers: init.headers, body }),
    context,
  );
}

/** A transport for the tests' HttpClient that calls a Functions handler: no socket, no host. */
export function functionsTransport(handler: NestHttpHandler): Transport {
  return async (method, url, init) => {
    const response = await received(await invoke(handler, method, url, init));
    return {
      status: response.status,
      headers: response.headers,
      text: response.body.toString('utf8'),
    };
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * A minimal local "Functions host": an HTTP server on 127.0.0.1 that turns each request into
 * `HttpRequest` + `InvocationContext` for `handler`. It lets patient-tests, served by its handler,
 * call the audit app served by its own handler over real HTTP, as in Azure.
 */
export async function serveOverHttp(
  handler: NestHttpHandler,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    void (async () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined) {
          headers[name] = Array.isArray(value) ? value.join(', ') : value;
        }
      }
      const body = await readBody(request);
      const base = `http://${request.headers.host ?? '127.0.0.1'}`;
      const result = await received(
        await invoke(
          handler,
          request.method ?? 'GET',
          `${base}${request.url}`,
          {
            headers,
            body: body.length > 0 ? body : undefined,
          },
        ),
      );
      response.statusCode = result.status;
      result.headers.forEach((value, name) => {
        if (name !== 'set-cookie') {
          response.setHeader(name, value);
        }
      });
      response.setHeader('set-cookie', result.headers.getSetCookie());
      response.end(result.body);
    })().catch(() => {
      response.statusCode = 500;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/api`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A connection of the test's own to an app's database, to inspect and drop it. */
export function openDatabase(uri: string, dbName: string): Connection {
  return mongoose.createConnection(uri, { dbName });
}
