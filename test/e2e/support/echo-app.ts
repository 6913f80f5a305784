import { currentInvocation } from '@app/shared/functions';
import { createFastifyAdapter } from '@app/shared/platform';
import {
  All,
  Controller,
  Get,
  Module,
  OnModuleDestroy,
  Req,
  Res,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** What the echo app saw of a request, and the invocation it was served in. */
export interface Echoed {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  invocation: {
    invocationId: string;
    functionName: string;
    traceContext?: unknown;
  } | null;
}

/**
 * A tiny app for the adapter's own tests: it echoes bodies byte for byte, reports what it received,
 * and sets repeated headers and cookies. No guard, no pipeline: only the adapter is under test.
 */
/** How many echo apps were closed (Nest calls onModuleDestroy from app.close()). */
export const echoLifecycle = { closed: 0 };

@Controller('echo')
class EchoController implements OnModuleDestroy {
  onModuleDestroy() {
    echoLifecycle.closed++;
  }

  @Get('request')
  request(@Req() request: FastifyRequest): Echoed {
    const invocation = currentInvocation();
    invocation?.logger.info(`served ${request.url}`);
    return {
      method: request.method,
      url: request.url,
      headers: request.headers,
      invocation: invocation
        ? {
            invocationId: invocation.invocationId,
            functionName: invocation.functionName,
            traceContext: invocation.traceContext,
          }
        : null,
    };
  }

  @All('body')
  body(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    void reply
      .header('content-type', request.headers['content-type'])
      .send(request.body);
  }

  @Get('cookies')
  cookies(@Res() reply: FastifyReply) {
    void reply
      .header('set-cookie', [
        'session=abc123; Path=/; HttpOnly; Secure; SameSite=Strict',
        'theme=dark; Max-Age=3600; Domain=example.org; Path=/app; Expires=Wed, 21 Oct 2026 07:28:00 GMT; SameSite=Lax',
      ])
      .header('x-repeated', ['one', 'two'])
      .header('keep-alive', 'timeout=5')
      .header('proxy-authenticate', 'Basic')
      .header('upgrade', 'h2c')
      .header('x-connection-scoped', 'dropped')
      .header('connection', 'x-connection-scoped')
      .status(204)
      .send();
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

/** Builds the echo app as the apps' factories do: Fastify adapter, `/api` prefix, initialised. */
export async function createEchoApp(): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    EchoModule,
    createFastifyAdapter(),
    { logger: false },
  );
  const fastify = app.getHttpAdapter().getInstance();
  // Bodies stay raw bytes whatever their type, so the echo shows exactly what arrived.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    '*',
    { parseAs: 'buffer' },
    (_request, body, done) => done(null, body),
  );
  app.setGlobalPrefix('api');
  await app.init();
  return app;
}
