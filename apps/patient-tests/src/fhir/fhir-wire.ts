import {
  GLOBAL_PREFIX,
  PROBLEM_CONTENT_TYPE,
  ProblemDetails,
} from '@app/shared/http';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { operationOutcomeOf } from './operation-outcome';

export const FHIR_CONTENT_TYPE = 'application/fhir+json';
/** Every FHIR route lives under this path, relative to the route prefix. */
export const FHIR_PATH = 'fhir';
/** Every FHIR route lives under this path. */
export const FHIR_BASE_PATH = `/${GLOBAL_PREFIX}/${FHIR_PATH}`;

const isFhirPath = (url: string) =>
  url === FHIR_BASE_PATH ||
  url.startsWith(`${FHIR_BASE_PATH}/`) ||
  url.startsWith(`${FHIR_BASE_PATH}?`);

/**
 * The FHIR wire format of everything under `/api/fhir`: `application/fhir+json` bodies are read like
 * JSON, and every response leaves as `application/fhir+json`, errors as an `OperationOutcome`.
 *
 * Errors are converted where the response is sent rather than in a controller's exception filter,
 * because many are raised before a FHIR controller is reached (malformed JSON, a body over the limit,
 * an unknown path, a missing key) and a controller-scoped filter never sees them. Status and text are
 * still decided once, by the global problem filter; only the representation differs.
 */
@Injectable()
export class FhirWire implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addContentTypeParser(
      FHIR_CONTENT_TYPE,
      { parseAs: 'string' },
      fastify.getDefaultJsonParser('error', 'error'),
    );
    fastify.addHook('onSend', (request, reply, payload) =>
      Promise.resolve(toFhirPayload(request, reply, payload)),
    );
  }
}

function toFhirPayload(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): unknown {
  if (!isFhirPath(request.url)) {
    return payload;
  }
  const contentType = String(reply.getHeader('content-type') ?? '');
  if (
    contentType.startsWith(PROBLEM_CONTENT_TYPE) &&
    typeof payload === 'string'
  ) {
    reply.header('content-type', `${FHIR_CONTENT_TYPE}; charset=utf-8`);
    return JSON.stringify(
      operationOutcomeOf(JSON.parse(payload) as ProblemDetails),
    );
  }
  if (contentType.startsWith('application/json')) {
    reply.header('content-type', `${FHIR_CONTENT_TYPE}; charset=utf-8`);
  }
  return payload;
}
