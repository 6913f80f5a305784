import { HttpPipelineModule, StaticApiKeys } from '@app/shared/http';
import { OpenApiInfo } from '@app/shared/openapi';
import { configureApp, createFastifyAdapter } from '@app/shared/platform';
import type { Provider, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { LoggerModule } from 'nestjs-pino';
import { strictMock } from './strict-mock';

/**
 * `strictMock` for a provider of a running app. `app.close()` calls `beforeApplicationShutdown` on every
 * provider that has one; strictMock only exempts names starting with `on`, so this hides that probe too.
 * Every other unstubbed call still fails.
 */
export function strictProviderMock<T extends object>(
  stubs: Parameters<typeof strictMock<T>>[0] = {},
): ReturnType<typeof strictMock<T>> {
  const mock = strictMock<T>(stubs);
  return new Proxy(mock, {
    get: (target, property, receiver): unknown =>
      property === 'beforeApplicationShutdown'
        ? undefined
        : Reflect.get(target, property, receiver),
  });
}

/** The one key the one-controller apps accept. */
export const TEST_API_KEY = 'unit-test-key-0123456789';

const OPENAPI_INFO: OpenApiInfo = {
  title: 'controller spec',
  description: 'one controller behind the global pipeline',
  version: '0.0.0',
};

/**
 * Boots ONE controller behind the real global pipeline (key guard, zod pipe, problem filter, the result
 * headers and request logs `configureApp` adds, Fastify adapter with its body limit), with the test's
 * providers (strict mocks).
 */
export async function createControllerApp(
  controller: Type,
  providers: Provider[],
  {
    apiKeys = [TEST_API_KEY],
    publicApiUrl,
  }: { apiKeys?: string[]; publicApiUrl?: string } = {},
): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [
      HttpPipelineModule.forRoot({
        apiKeys: new StaticApiKeys(apiKeys),
        hostChecksKeys: false,
        gatewaySecrets: new StaticApiKeys([]),
        publicApiUrl,
      }),
      LoggerModule.forRoot({ pinoHttp: { level: 'silent' } }),
    ],
    controllers: [controller],
    providers,
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(
    createFastifyAdapter(),
    { logger: false },
  );
  configureApp(app, OPENAPI_INFO);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

export interface InjectedRequest {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is with content-type application/json, e.g. malformed JSON. */
  rawBody?: string;
  /** The API key header; `null` sends none. Defaults to the valid key. */
  key?: string | null;
  headers?: Record<string, string>;
}

export interface InjectedResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: any;
}

/** A request through Fastify's `inject()` (no socket), with the valid key unless told otherwise. */
export async function send(
  app: NestFastifyApplication,
  request: InjectedRequest,
): Promise<InjectedResponse> {
  const key = request.key === undefined ? TEST_API_KEY : request.key;
  const payload =
    request.rawBody ??
    (request.body !== undefined ? JSON.stringify(request.body) : undefined);
  const response = await app.inject({
    method: request.method,
    url: request.url,
    headers: {
      ...(payload !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(key !== null ? { 'x-functions-key': key } : {}),
      ...request.headers,
    },
    payload,
  });
  let body: unknown = response.body;
  try {
    body = response.body ? JSON.parse(response.body) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.statusCode, headers: response.headers, body };
}

/** Asserts an RFC 9457 problem+json response with this status and code; returns its body. */
export function expectProblem(
  response: InjectedResponse,
  status: number,
  code: string,
): any {
  expect({
    status: response.status,
    contentType: response.headers['content-type'],
  }).toEqual({
    status,
    contentType: expect.stringMatching(/^application\/problem\+json/),
  });
  expect(response.body).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      detail: expect.any(String),
      status,
      code,
      correlationId: expect.stringMatching(/^[0-9a-f]{32}$/),
    }),
  );
  return response.body;
}

/** The `errors[].path` entries of a validation problem (400 VALIDATION_FAILED). */
export function validationPaths(response: InjectedResponse): string[] {
  const body = expectProblem(response, 400, 'VALIDATION_FAILED');
  return (body.errors as Array<{ path: string }>).map((error) => error.path);
}
