import { GLOBAL_PREFIX, requestOrigin } from '@app/shared/http';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AuditConfig } from '../config/audit.config';

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
    return `${requestOrigin(request)}/${GLOBAL_PREFIX}/fhir`;
  }
}
