import { DomainError, UnavailableError } from '../errors/domain-error';

/** Driver errors that mean "the database cannot be reached right now", by class name. */
const UNREACHABLE_ERROR_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
]);

/** Mongoose reports "no connection yet" as a plain MongooseError; these messages identify it. */
const MONGOOSE_DISCONNECTED =
  /buffering timed out|before initial connection|Client must be connected/i;

/** Cosmos DB's "request rate is large" error code on its MongoDB API. */
export const THROTTLED_ERROR_CODE = 16500;
const DUPLICATE_KEY_ERROR_CODE = 11000;

export const DATABASE_RETRY_AFTER_SECONDS = 5;

function errorCode(error: object): unknown {
  return (error as { code?: unknown }).code;
}

/**
 * FerretDB on SQLite answers a write that found the database file locked by another write with an
 * InternalError (code 1) naming SQLITE_BUSY: contention that passes, like throttling. Seen under the
 * stress load test on concurrent If-Match updates; it was answered 500.
 */
const FERRETDB_INTERNAL_ERROR_CODE = 1;
const SQLITE_BUSY = /\bSQLITE_BUSY\b/;

/**
 * True when the database asks the caller to back off and try again: Cosmos DB throttling (16500),
 * whether or not the message carries `RetryAfterMs`, and FerretDB's SQLite lock contention.
 */
export function isThrottlingError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) {
    return false;
  }
  const code = errorCode(error);
  if (code === THROTTLED_ERROR_CODE) {
    return true;
  }
  const { message } = error as { message?: unknown };
  return (
    code === FERRETDB_INTERNAL_ERROR_CODE &&
    typeof message === 'string' &&
    SQLITE_BUSY.test(message)
  );
}

/** True for a write refused because a unique index (e.g. `_id`) already holds the value. */
export function isDuplicateKey(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    errorCode(error) === DUPLICATE_KEY_ERROR_CODE
  );
}

/**
 * A bulk write (insertMany) that failed as a whole, not per document, reports the driver's own error
 * (e.g. a network error) as its `errorResponse`; that one says what happened.
 */
function unwrapBulkWriteError(error: object): object {
  const { name, errorResponse } = error as {
    name?: unknown;
    errorResponse?: unknown;
  };
  return name === 'MongoBulkWriteError' && errorResponse instanceof Error
    ? errorResponse
    : error;
}

/**
 * Translates a storage error into what the client may know, in one place: unreachable database or
 * exhausted throttling -> 503 with Retry-After, duplicate key -> 409. Returns undefined for anything
 * else (a bug, answered as a bare 500). Driver messages never reach the wire.
 */
export function translateStorageError(
  thrown: unknown,
): DomainError | undefined {
  if (typeof thrown !== 'object' || thrown === null) {
    return undefined;
  }
  const error = unwrapBulkWriteError(thrown);
  const name = (error as { name?: unknown }).name;
  const message = (error as { message?: unknown }).message;
  if (
    (typeof name === 'string' && UNREACHABLE_ERROR_NAMES.has(name)) ||
    (name === 'MongooseError' &&
      typeof message === 'string' &&
      MONGOOSE_DISCONNECTED.test(message))
  ) {
    return new UnavailableError(
      'DATABASE_UNAVAILABLE',
      'The database is unavailable; retry later.',
      DATABASE_RETRY_AFTER_SECONDS,
      error,
    );
  }
  if (isThrottlingError(error)) {
    return new UnavailableError(
      'DATABASE_THROTTLED',
      'The database is busy; retry later.',
      DATABASE_RETRY_AFTER_SECONDS,
      error,
    );
  }
  if (isDuplicateKey(error)) {
    return new DomainError(
      'CONFLICT',
      409,
      'A resource with this identity already exists.',
      { cause: error },
    );
  }
  return undefined;
}
