import { HttpException, HttpStatus } from '@nestjs/common';
import { ZodValidationException } from 'nestjs-zod';
import { z } from 'zod';
import { DomainError } from './domain-error';
import { BODY_LIMIT_TEXT } from '../http/constants';
import { translateStorageError } from '../database/storage-errors';

/** One entry of `errors` in a validation problem: where in the request, and what is wrong there. */
export interface ProblemFieldError {
  path: string;
  message: string;
}

/** RFC 9457 problem details, with the extension members this API adds. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  correlationId: string;
  errors?: ProblemFieldError[];
}

export interface ProblemResponse {
  status: number;
  headers: Record<string, string>;
  body: ProblemDetails;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem `type` URIs are stable identifiers, one per error code (RFC 9457 section 3.1.1). */
export const problemType = (code: string) =>
  `urn:problem-type:${code.toLowerCase().replace(/_/g, '-')}`;

const GENERIC_CODES: Partial<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'NOT_ACCEPTABLE',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_CONTENT',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

const INTERNAL_DETAIL = 'The service could not complete the request.';

const GENERIC_DETAILS: Partial<Record<number, string>> = {
  400: 'The request could not be read: check that the body is valid JSON and the URL is well formed.',
  401: 'A valid API key is required.',
  404: 'No resource matches this method and path.',
  405: 'This method is not allowed on this path.',
  413: `The request body exceeds ${BODY_LIMIT_TEXT}.`,
  415: 'The request body must be application/json.',
};

function statusTitle(status: number): string {
  const name = HttpStatus[status] as string | undefined;
  if (!name) {
    return status >= 500 ? 'Internal Server Error' : 'Bad Request';
  }
  return name
    .toLowerCase()
    .split('_')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

function zodFieldErrors(error: z.ZodError): ProblemFieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)',
    message: issue.message,
  }));
}

interface Classified {
  status: number;
  code: string;
  detail: string;
  errors?: ProblemFieldError[];
  retryAfterSeconds?: number;
}

/** Maps any thrown value to what the client may know about it; unknown errors become a bare 500. */
function classify(error: unknown): Classified {
  if (error instanceof DomainError) {
    return {
      status: error.status,
      code: error.code,
      detail: error.detail,
      retryAfterSeconds: error.options.retryAfterSeconds,
    };
  }
  if (error instanceof ZodValidationException) {
    return {
      status: 400,
      code: 'VALIDATION_FAILED',
      detail: 'The request is invalid; see errors for each problem.',
      errors: zodFieldErrors(error.getZodError() as z.ZodError),
    };
  }
  if (error instanceof HttpException) {
    // Nest raises these for routing and wraps Fastify's own errors (bad JSON, body limit) in them.
    // Their messages can quote the request or the parser, so the client gets a fixed text per status.
    const status = error.getStatus();
    return {
      status,
      code:
        GENERIC_CODES[status] ??
        (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST'),
      detail:
        GENERIC_DETAILS[status] ??
        (status >= 500
          ? INTERNAL_DETAIL
          : 'The request could not be processed.'),
    };
  }
  // Raised by Fastify's router before Nest sees the request (createFastifyAdapter's frameworkErrors).
  const frameworkCode = (error as { code?: unknown } | null)?.code;
  if (frameworkCode === 'FST_ERR_MAX_PARAM_LENGTH') {
    // A path segment longer than any id cannot name a resource.
    return { status: 404, code: 'NOT_FOUND', detail: GENERIC_DETAILS[404]! };
  }
  if (frameworkCode === 'FST_ERR_BAD_URL') {
    return {
      status: 400,
      code: 'BAD_URL',
      detail: 'The request URL is malformed.',
    };
  }
  const storage = translateStorageError(error);
  if (storage) {
    return classify(storage);
  }
  return { status: 500, code: 'INTERNAL_ERROR', detail: INTERNAL_DETAIL };
}

/**
 * The single place that decides the wire format of every error (RFC 9457 problem+json):
 * the global exception filter and Fastify's error handler both call it.
 */
export function toProblem(
  error: unknown,
  correlationId: string,
): ProblemResponse {
  const { status, code, detail, errors, retryAfterSeconds } = classify(error);
  const headers: Record<string, string> = {
    'content-type': PROBLEM_CONTENT_TYPE,
  };
  if (retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(retryAfterSeconds);
  }
  return {
    status,
    headers,
    body: {
      type: problemType(code),
      title: statusTitle(status),
      status,
      detail,
      code,
      correlationId,
      ...(errors ? { errors } : {}),
    },
  };
}
