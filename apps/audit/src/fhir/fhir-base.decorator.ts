import { GLOBAL_PREFIX } from '@app/shared/http';
import { BadRequestError } from '@app/shared/errors';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The absolute base URL of the FHIR interface as the client addressed it (Host, or X-Forwarded-Host
 * and -Proto through a proxy): Bundle links and fullUrls must be absolute, and clients follow them.
 */
export const FhirBase = createParamDecorator(
  (_: unknown, context: ExecutionContext): string => {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!HOST.test(request.host)) {
      throw new BadRequestError(
        'INVALID_HOST',
        'The Host header is not a host name.',
      );
    }
    const scheme = request.protocol === 'https' ? 'https' : 'http';
    return `${scheme}://${request.host}/${GLOBAL_PREFIX}/fhir`;
  },
);
