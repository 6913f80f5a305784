import { DynamicModule, Module, Type } from '@nestjs/common';
import { AppHost, PLAIN_HTTP_HOST } from '../config/app-host';
import { NestFactory } from '@nestjs/core';
import {
  FastifyAdapter,
  NestFastifyApplication,
} from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import {
  CORRELATION_HEADER,
  correlationIdOf,
} from '../correlation/correlation';
import { logRequests } from '../logging/request-logging';
import { OpenApiInfo, setupOpenApi } from '../openapi/openapi';
import { BODY_LIMIT_BYTES, GLOBAL_PREFIX } from './constants';
import { sendProblem } from './problem.filter';
import { sendResults } from './send-results';

/** The Fastify instance every host uses; `trustProxy` so X-Forwarded-For from API Management is read. */
export function createFastifyAdapter(): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 256 },
    // The router's own rejections (an over-long path segment, a malformed URL) are problem+json too.
    frameworkErrors: (
      error: Error,
      request: FastifyRequest,
      reply: FastifyReply,
    ) => {
      sendProblem(request, reply, error);
    },
  });
}

/**
 * Everything an app needs beyond its module's providers, applied identically in every host:
 * the `/api` prefix, the correlation header, request logs, the headers of handlers' result types
 * (`sendResults`) and the OpenAPI document. (Errors Fastify raises itself,
 * such as bad JSON or a body over the limit, reach the global ProblemFilter through Nest.)
 */
export function configureApp(
  app: NestFastifyApplication,
  openApi: OpenApiInfo,
): NestFastifyApplication {
  app.useLogger(app.get(Logger));
  app.setGlobalPrefix(GLOBAL_PREFIX);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(CORRELATION_HEADER, correlationIdOf(request.raw));
    done();
  });
  logRequests(app);
  sendResults(app);
  setupOpenApi(app, openApi);
  return app;
}

/** The root of every app: the host, visible to every module, and the app's own module. */
@Module({})
class HostedAppModule {
  static for(module: Type | DynamicModule, host: AppHost): DynamicModule {
    return {
      module: HostedAppModule,
      global: true,
      providers: [{ provide: AppHost, useValue: host }],
      exports: [AppHost],
      imports: [module],
    };
  }
}

/**
 * Builds and initialises an app (no socket yet): the one factory `main.ts`, Functions and tests share.
 * `host` says what the host does in front of the app (default: a plain HTTP server).
 */
export async function createApp(
  module: Type | DynamicModule,
  openApi: OpenApiInfo,
  host: AppHost = PLAIN_HTTP_HOST,
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    HostedAppModule.for(module, host),
    createFastifyAdapter(),
    {
      bufferLogs: true,
      // Throw start-up errors to the caller instead of aborting the process.
      abortOnError: false,
    },
  );
  configureApp(app, openApi);
  await app.init();
  return app;
}
