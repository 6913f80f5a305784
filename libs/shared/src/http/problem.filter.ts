import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  CORRELATION_HEADER,
  correlationIdOf,
} from '../correlation/correlation';
import { toProblem } from '../errors/problem';

const logger = new Logger('Problem');

/**
 * Sends `error` as problem+json. Server-side failures are logged with their class and code
 * (never request data); the client sees only the safe detail of `toProblem`.
 */
export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
): FastifyReply {
  const problem = toProblem(error, correlationIdOf(request.raw));
  if (problem.status >= 500) {
    const cause = error instanceof Error ? (error.cause ?? error) : error;
    const summary = {
      correlationId: problem.body.correlationId,
      code: problem.body.code,
      error: cause instanceof Error ? cause.name : typeof cause,
      driverCode: (cause as { code?: unknown } | undefined)?.code,
    };
    if (problem.status === 503) {
      logger.warn(summary, 'dependency unavailable');
    } else {
      logger.error(
        { ...summary, stack: cause instanceof Error ? cause.stack : undefined },
        'unhandled error',
      );
    }
  }
  return reply
    .status(problem.status)
    .headers({
      ...problem.headers,
      [CORRELATION_HEADER]: problem.body.correlationId,
    })
    .send(problem.body);
}

/** The global exception filter: every error thrown in Nest's pipeline leaves as problem+json. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(
      http.getRequest<FastifyRequest>(),
      http.getResponse<FastifyReply>(),
      exception,
    );
  }
}
