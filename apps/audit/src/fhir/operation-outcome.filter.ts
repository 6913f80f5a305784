import { CORRELATION_HEADER } from '@app/shared/http';
import { correlationIdOf, toProblem } from '@app/shared/http';
import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FHIR_JSON } from './fhir-json';
import { operationOutcomeOf } from './operation-outcome';

/**
 * Errors of the FHIR routes leave as OperationOutcome (application/fhir+json) instead of
 * problem+json; which status and which words the client gets is still decided by `toProblem`.
 */
@Catch()
export class OperationOutcomeFilter implements ExceptionFilter {
  private readonly logger = new Logger(OperationOutcomeFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const problem = toProblem(exception, correlationIdOf(request.raw));
    if (problem.status >= 500) {
      // The class and code only: never request data, never the driver's message.
      const cause =
        exception instanceof Error ? (exception.cause ?? exception) : exception;
      const summary = {
        correlationId: problem.body.correlationId,
        code: problem.body.code,
        error: cause instanceof Error ? cause.name : typeof cause,
      };
      if (problem.status === 503) {
        this.logger.warn(summary, 'dependency unavailable');
      } else {
        this.logger.error(
          {
            ...summary,
            stack: cause instanceof Error ? cause.stack : undefined,
          },
          'unhandled error',
        );
      }
    }
    void http
      .getResponse<FastifyReply>()
      .status(problem.status)
      .headers({
        ...problem.headers,
        'content-type': FHIR_JSON,
        [CORRELATION_HEADER]: problem.body.correlationId,
      })
      .send(operationOutcomeOf(problem.body));
  }
}
