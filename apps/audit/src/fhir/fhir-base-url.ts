import { GLOBAL_PREFIX } from '@app/shared/http';
import { BadRequestError } from '@app/shared/errors';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuditConfig } from '../config/audit.config';

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The absolute base URL of the FHIR interface as the client addressed it, for Bundle links and
 * fullUrls, which must be absolute and which clients follow: under `PUBLIC_API_URL` when set (API
 * Management publishes the auditors' API under its own path, which no request header carries), else
 * the scheme and host the request came to (Host, or X-Forwarded-Host and -Proto through a trusted proxy).
 */
@Injectable()
export class FhirBaseUrl {
  constructor(private readonly config: AuditConfig) {}

  of(request: FastifyRequest): string {
    if (this.config.PUBLIC_API_URL !== undefined) {
      return `${this.config.PUBLIC_API_URL}/fhir`;
    }
    if (!HOST.test(request.host)) {
      throw new BadRequestError(
        'INVALID_HOST',
        'The Host header is not a host name.',
      );
    }
    const scheme = request.protocol === 'https' ? 'https' : 'http';
    return `${scheme}://${request.host}/${GLOBAL_PREFIX}/fhir`;
  }
}
