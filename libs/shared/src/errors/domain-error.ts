/**
 * An error the API answers on purpose. `code` is stable (clients and dashboards may key on it),
 * `status` is the HTTP status, `detail` is safe to show to the caller.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly detail: string,
    readonly options: { retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(detail, { cause: options.cause });
    this.name = 'DomainError';
  }
}

/** 404 with a resource-specific code, e.g. `new NotFoundError('PATIENT_NOT_FOUND', 'No patient with this id.')`. */
export class NotFoundError extends DomainError {
  constructor(code: string, detail: string) {
    super(code, 404, detail);
  }
}

/** 400 for a request that is well-formed JSON but breaks a rule the schema cannot express. */
export class BadRequestError extends DomainError {
  constructor(code: string, detail: string) {
    super(code, 400, detail);
  }
}

/** 503: a dependency is unavailable; the client may retry after `retryAfterSeconds`. */
export class UnavailableError extends DomainError {
  constructor(
    code: string,
    detail: string,
    retryAfterSeconds: number,
    cause?: unknown,
  ) {
    super(code, 503, detail, { retryAfterSeconds, cause });
  }
}
