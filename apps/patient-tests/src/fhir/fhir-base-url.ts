import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { PatientTestsConfig } from '../config/patient-tests.config';
import { FHIR_BASE_PATH } from './fhir-wire';

/**
 * The FHIR base URL clients see, for the absolute URLs a Bundle needs (`fullUrl`, links):
 * `FHIR_BASE_URL` when set (API Management publishes the API under its own path), else the scheme and
 * host the request came to (X-Forwarded-* from a trusted proxy, createFastifyAdapter's `trustProxy`).
 */
@Injectable()
export class FhirBaseUrl {
  constructor(private readonly config: PatientTestsConfig) {}

  of(request: FastifyRequest): string {
    return (
      this.config.FHIR_BASE_URL ??
      `${request.protocol}://${request.host}${FHIR_BASE_PATH}`
    );
  }
}
