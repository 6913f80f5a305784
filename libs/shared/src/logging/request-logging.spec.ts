import http from 'node:http';
import { Writable } from 'node:stream';
import { Body, Controller, Get, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { LoggerModule } from 'nestjs-pino';
import { StaticApiKeys } from '../auth/api-keys';
import { Public } from '../auth/public.decorator';
import { configureApp, createFastifyAdapter } from '../http/create-app';
import { HttpPipelineModule } from '../http/http-pipeline.module';
import { HEALTH_ROUTE } from '../http/constants';
import { loggerParams } from './logger-params';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
const SECRET = 'query-secret-0123456789abcdef';
const KEY = 'request-logging-key-0123456789';

/** Every JSON line the app's logger writes. */
class LogLines extends Writable {
  readonly lines: Record<string, unknown>[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    this.lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
    done();
  }
  withMessage(msg: string) {
    return this.lines.filter((line) => line.msg === msg);
  }
}

let release: () => void = () => undefined;
/** Resolves when the slow handler has the request in hand. */
let entered: () => void = () => undefined;

@Controller()
class LoggingController {
  @Post('echo')
  echo(@Body() body: unknown) {
    return body;
  }

  @Post('fail')
  fail() {
    throw new Error('a bug');
  }

  @Get('slow')
  slow() {
    entered();
    return new Promise<string>((resolve) => {
      release = () => resolve('late');
    });
  }

  @Get(HEALTH_ROUTE)
  @Public()
  health() {
    return { status: 'ok' };
  }
}

describe('request logs (Fastify hooks, nestjs-pino logger)', () => {
  const output = new LogLines();
  let app: NestFastifyApplication;
  let url: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      // The production parameters, writing to `output` instead of stdout.
      imports: [
        HttpPipelineModule.forRoot({
          apiKeys: new StaticApiKeys([KEY, SECRET]),
          hostChecksKeys: false,
          gatewaySecrets: new StaticApiKeys([]),
        }),
        LoggerModule.forRoot(
          loggerParams({ level: 'info', pretty: false, destination: output }),
        ),
      ],
      controllers: [LoggingController],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(
      createFastifyAdapter(),
      { bufferLogs: true },
    );
    configureApp(app, { title: 'logging spec', description: '', version: '0' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `${await app.getUrl()}/api`.replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    release();
    await app?.close();
  });

  beforeEach(() => {
    output.lines.length = 0;
  });

  it('writes one line per request: method, redacted URL, status, time and the correlation id, no headers', async () => {
    const response = await app.inject({
      method: 'POST',
      url: `/api/echo?code=${SECRET}`,
      headers: { traceparent: TRACEPARENT, 'x-functions-key': SECRET },
      payload: { patient: 'Jane Doe' },
    });
    expect(response.statusCode).toBe(201);

    const lines = output.withMessage('request completed');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      req: { method: 'POST', url: '/api/echo?code=REDACTED' },
      res: { statusCode: 201 },
      correlationId: TRACE_ID,
      responseTime: expect.any(Number),
    });
    expect(Object.keys(lines[0].req as object).sort()).toEqual([
      'method',
      'url',
    ]);
    const written = JSON.stringify(output.lines);
    expect(written).not.toContain(SECRET);
    expect(written).not.toContain('Jane Doe');
  });

  it('puts the correlation id on the line the problem filter writes for a 5xx, as on the request line', async () => {
    const response = await fetch(`${url}/fail`, {
      method: 'POST',
      headers: { traceparent: TRACEPARENT, 'x-functions-key': KEY },
    });
    expect(response.status).toBe(500);

    expect(output.withMessage('unhandled error')).toEqual([
      expect.objectContaining({ level: 50, correlationId: TRACE_ID }),
    ]);
    expect(output.withMessage('request completed')).toEqual([
      expect.objectContaining({
        correlationId: TRACE_ID,
        res: { statusCode: 500 },
      }),
    ]);
  });

  it('does not log the health probe, and does log the request after it', async () => {
    const probe = await app.inject({ method: 'GET', url: '/api/health' });
    expect(probe.statusCode).toBe(200);
    await app.inject({
      method: 'POST',
      url: '/api/echo',
      headers: { 'x-functions-key': KEY },
      payload: {},
    });

    expect(
      output.withMessage('request completed').map((line) => line.req),
    ).toEqual([{ method: 'POST', url: '/api/echo' }]);
  });

  it('logs a request whose caller went away before the answer', async () => {
    const handling = new Promise<void>((resolve) => (entered = resolve));
    const request = http.get(`${url}/slow`, {
      headers: { traceparent: TRACEPARENT, 'x-functions-key': KEY },
    });
    const gone = new Promise<void>((resolve) =>
      request.on('error', () => resolve()),
    );
    // Gone once the app has the request in hand.
    await handling;
    request.destroy();
    await gone;
    await waitFor(() => output.withMessage('request aborted').length > 0);

    expect(output.withMessage('request aborted')).toEqual([
      expect.objectContaining({
        req: { method: 'GET', url: '/api/slow' },
        correlationId: TRACE_ID,
      }),
    ]);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
