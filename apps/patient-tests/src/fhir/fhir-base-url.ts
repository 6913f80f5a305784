import { requestOrigin } from '@app/shared/http';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { PatientTestsConfig } from '../config/patient-tests.config';
import { FHIR_BASE_PATH, FHIR_PATH } from './fhir-wire';

/**
 * The FHIR base URL clients see, for the absolute URLs a Bundle needs (`fullUrl`, links):
 * under `PUBLIC_API_URL` when set (API Management publishes the API under its own path, which the JSON
 * API's Location headers are built on too), else the scheme and host the request came to
 * (X-Forwarded-* from a trusted proxy, createFastifyAdapter's `trustProxy`); a Host that is not a host
 * name is refused with 400 `INVALID_HOST`.
 */
@Injectable()
export class FhirBaseUrl {
  constructor(private readonly config: PatientTestsConfig) {}

  of(request: FastifyRequest): string {
    return this.config.PUBLIC_API_URL !== undefined
      ? `${this.config.PUBLIC_API_URL}/${FHIR_PATH}`
      : `${requestOrigin(request)}${FHIR_BASE_PATH}`;
  }
}
