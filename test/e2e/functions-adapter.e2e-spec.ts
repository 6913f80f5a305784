import { randomBytes } from 'node:crypto';
import { HttpRequest, HttpRequestInit } from '@azure/functions';
import {
  createHttpHandler,
  NEST_BOOTSTRAP_MEASURE,
} from '@app/shared/functions';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createEchoApp, Echoed, echoLifecycle } from './support/echo-app';
import {
  FUNCTIONS_BASE_URL,
  invocationContext,
  invoke,
  received,
} from './support/functions-host';

const url = (path: string) => `${FUNCTIONS_BASE_URL}${path}`;

async function echoed(
  handler: ReturnType<typeof createHttpHandler>,
  path: string,
  headers: Record<string, string> = {},
  context = invocationContext(),
): Promise<Echoed> {
  const response = await received(
    await invoke(handler, 'GET', url(path), { headers }, context),
  );
  expect(response.status).toBe(200);
  return JSON.parse(response.body.toString('utf8')) as Echoed;
}

describe('the Azure Functions adapter', () => {
  const apps: NestFastifyApplication[] = [];
  const factory = jest.fn(async () => {
    const app = await createEchoApp();
    apps.push(app);
    return app;
  });
  let handler: ReturnType<typeof createHttpHandler>;

  beforeEach(() => {
    factory.mockClear();
    handler = createHttpHandler(factory);
  });

  afterEach(() => handler.close());

  describe('bootstrap', () => {
    it('bootstraps once for 20 simultaneous first invocations, and serves all of them', async () => {
      const responses = await Promise.all(
        Array.from({ length: 20 }, () =>
          invoke(handler, 'GET', url('/echo/request')),
        ),
      );

      expect(factory).toHaveBeenCalledTimes(1);
      expect(responses.map((response) => response.status)).toEqual(
        Array(20).fill(200),
      );
      await invoke(handler, 'GET', url('/echo/request'));
      expect(factory).toHaveBeenCalledTimes(1);
    });

    it('does not cache a failed bootstrap: the next invocation tries again and succeeds', async () => {
      factory.mockRejectedValueOnce(new Error('Key Vault unreachable'));

      const failed = await Promise.allSettled([
        invoke(handler, 'GET', url('/echo/request')),
        invoke(handler, 'GET', url('/echo/request')),
      ]);
      expect(failed.map((result) => result.status)).toEqual([
        'rejected',
        'rejected',
      ]);
      expect(factory).toHaveBeenCalledTimes(1);

      const retried = await invoke(handler, 'GET', url('/echo/request'));
      expect(retried.status).toBe(200);
      expect(factory).toHaveBeenCalledTimes(2);
    });

    it('records the bootstrap time and logs it through the invocation logger', async () => {
      const logs: unknown[][] = [];
      await invoke(
        handler,
        'GET',
        url('/echo/request'),
        {},
        invocationContext({ logHandler: (...args) => logs.push(args) }),
      );
      const [measure] = performance
        .getEntriesByName(NEST_BOOTSTRAP_MEASURE)
        .slice(-1);
      expect(measure.duration).toBeGreaterThan(0);
      expect(logs).toContainEqual([
        'information',
        expect.stringMatching(/^Nest app bootstrapped in \d+ ms$/),
      ]);
    });

    it('closes the app on close(), and bootstraps a new one on the next invocation', async () => {
      await invoke(handler, 'GET', url('/echo/request'));
      const closedBefore = echoLifecycle.closed;

      await handler.close();
      expect(echoLifecycle.closed).toBe(closedBefore + 1);

      expect((await invoke(handler, 'GET', url('/echo/request'))).status).toBe(
        200,
      );
      expect(factory).toHaveBeenCalledTimes(2);
    });
  });

  describe('requests and responses', () => {
    it('round-trips a binary body byte for byte', async () => {
      const bytes = Buffer.concat([
        Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
        randomBytes(4096),
      ]);
      const response = await received(
        await invoke(handler, 'POST', url('/echo/body'), {
          headers: { 'content-type': 'application/octet-stream' },
          body: bytes,
        }),
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(
        'application/octet-stream',
      );
      expect(response.body.equals(bytes)).toBe(true);
    });

    it('round-trips a UTF-8 body unchanged', async () => {
      const text = 'Grüße, Zoë — 患者の検査 🧪 ✓';
      const response = await received(
        await invoke(handler, 'PUT', url('/echo/body'), {
          headers: { 'content-type': 'text/plain; charset=utf-8' },
          body: text,
        }),
      );
      expect(response.body.toString('utf8')).toBe(text);
      expect(response.body.equals(Buffer.from(text, 'utf8'))).toBe(true);
    });

    /** A POST whose body is streamed as the host streams it, counting the bytes the adapter pulls. */
    function streamedPost(totalBytes: number, chunkBytes = 16 * 1024) {
      let pulled = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (pulled >= totalBytes) {
            controller.close();
            return;
          }
          const size = Math.min(chunkBytes, totalBytes - pulled);
          pulled += size;
          controller.enqueue(new Uint8Array(size).fill(0x61));
        },
      });
      // What the library builds for a streamed request (createStreamRequest): a fetch Request.
      const nativeRequest = new Request(url('/echo/body'), {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body,
        duplex: 'half',
      } as RequestInit);
      const request = new HttpRequest({
        nativeRequest,
      } as unknown as HttpRequestInit);
      return { request, pulled: () => pulled };
    }

    it('answers 413 for a 16 MiB body after reading no more than 64 KiB and one chunk of it', async () => {
      const { request, pulled } = streamedPost(16 * 1024 * 1024);

      const response = await handler(request, invocationContext());

      expect(response.status).toBe(413);
      // The stream may have queued one chunk ahead of the reader.
      expect(pulled()).toBeLessThanOrEqual(64 * 1024 + 2 * 16 * 1024);
    });

    it('passes a body of exactly 64 KiB through whole', async () => {
      const { request } = streamedPost(64 * 1024, 10_000);

      const response = await received(
        await handler(request, invocationContext()),
      );

      expect(response.status).toBe(200);
      expect(response.body.length).toBe(64 * 1024);
    });

    it('forwards the path and query string exactly as sent', async () => {
      const query = '?a=1&a=2&name=Zo%C3%AB&empty=&plus=a+b&code=secret';
      const seen = await echoed(handler, `/echo/request${query}`);
      expect(seen.url).toBe(`/api/echo/request${query}`);
    });

    it('forwards repeated request headers as the host combines them, and drops hop-by-hop ones', async () => {
      const seen = await echoed(handler, '/echo/request', {
        'x-multi': 'one, two',
        accept: 'application/json, text/plain',
        connection: 'x-hop-scoped',
        'x-hop-scoped': 'dropped',
        'keep-alive': 'timeout=5',
        'proxy-authorization': 'Basic abc',
        te: 'trailers',
        upgrade: 'h2c',
      });
      expect(seen.headers['x-multi']).toBe('one, two');
      expect(seen.headers.accept).toBe('application/json, text/plain');
      for (const name of [
        'x-hop-scoped',
        'keep-alive',
        'proxy-authorization',
        'te',
        'upgrade',
      ]) {
        expect(seen.headers).not.toHaveProperty(name);
      }
    });

    it('returns several set-cookie headers as cookies with their attributes, repeated headers, and no hop-by-hop ones', async () => {
      const init = await invoke(handler, 'GET', url('/echo/cookies'));
      expect(init.status).toBe(204);
      expect(init.cookies).toEqual([
        {
          name: 'session',
          value: 'abc123',
          path: '/',
          httpOnly: true,
          secure: true,
          sameSite: 'Strict',
        },
        {
          name: 'theme',
          value: 'dark',
          maxAge: 3600,
          domain: 'example.org',
          path: '/app',
          expires: new Date('2026-10-21T07:28:00Z'),
          sameSite: 'Lax',
        },
      ]);

      const response = await received(init);
      expect(response.headers.getSetCookie()).toEqual([
        'session=abc123; Path=/; HttpOnly; Secure; SameSite=Strict',
        'theme=dark; Max-Age=3600; Domain=example.org; Path=/app; Expires=Wed, 21 Oct 2026 07:28:00 GMT; SameSite=Lax',
      ]);
      expect(response.headers.get('x-repeated')).toBe('one, two');
      for (const name of [
        'keep-alive',
        'proxy-authenticate',
        'upgrade',
        'connection',
        'x-connection-scoped',
        'transfer-encoding',
      ]) {
        expect(response.headers.has(name)).toBe(false);
      }
    });
  });

  describe('the current invocation', () => {
    it('is reachable from Nest code with the invocation id, trace context and logger of the host', async () => {
      const logs: unknown[][] = [];
      const traceContext = {
        traceParent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        traceState: 'vendor=1',
        attributes: {},
      };
      const context = invocationContext({
        invocationId: 'invocation-42',
        functionName: 'echo',
        traceContext,
        logHandler: (...args) => logs.push(args),
      });

      const seen = await echoed(handler, '/echo/request', {}, context);

      expect(seen.invocation).toEqual({
        invocationId: 'invocation-42',
        functionName: 'echo',
        traceContext,
      });
      expect(logs).toContainEqual(['information', 'served /api/echo/request']);
      // Without a traceparent of its own, the request continues the host's trace.
      expect(seen.headers.traceparent).toBe(traceContext.traceParent);
    });

    it("keeps the caller's traceparent over the host's", async () => {
      const own = '00-11111111111111111111111111111111-2222222222222222-01';
      const seen = await echoed(
        handler,
        '/echo/request',
        { traceparent: own },
        invocationContext({
          traceContext: {
            traceParent:
              '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
          },
        }),
      );
      expect(seen.headers.traceparent).toBe(own);
    });

    it('keeps each concurrent invocation apart', async () => {
      const ids = Array.from({ length: 10 }, (_, i) => `concurrent-${i}`);
      const seen = await Promise.all(
        ids.map((invocationId) =>
          echoed(
            handler,
            '/echo/request',
            {},
            invocationContext({ invocationId }),
          ),
        ),
      );
      expect(seen.map((echo) => echo.invocation?.invocationId)).toEqual(ids);
    });

    it('is undefined outside an invocation', async () => {
      await invoke(handler, 'GET', url('/echo/request'));
      const app = apps[apps.length - 1];
      const direct = await app
        .getHttpAdapter()
        .getInstance()
        .inject({ method: 'GET', url: '/api/echo/request' });
      expect(direct.json<Echoed>().invocation).toBeNull();
    });
  });
});
