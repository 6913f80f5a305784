import { isDuplicateKey, translateStorageError } from './storage-errors';

/** What the driver throws for an insertMany that failed as a whole, around the real error. */
function bulkWriteError(errorResponse: unknown) {
  return Object.assign(new Error('bulk write failed'), {
    name: 'MongoBulkWriteError',
    writeErrors: [],
    errorResponse,
  });
}

const networkError = () =>
  Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:27017'), {
    name: 'MongoNetworkError',
  });

describe('translateStorageError', () => {
  it('answers 503 for an unreachable database, also when a bulk write reports it', () => {
    for (const error of [networkError(), bulkWriteError(networkError())]) {
      expect(translateStorageError(error)).toMatchObject({
        code: 'DATABASE_UNAVAILABLE',
        status: 503,
        options: { retryAfterSeconds: 5 },
      });
    }
  });

  it('answers 503 for throttling and 409 for a duplicate key', () => {
    expect(translateStorageError({ code: 16500 })).toMatchObject({
      code: 'DATABASE_THROTTLED',
      status: 503,
    });
    expect(translateStorageError({ code: 11000 })).toMatchObject({
      code: 'CONFLICT',
      status: 409,
    });
  });

  it('leaves anything else untranslated (a bug: a bare 500)', () => {
    expect(translateStorageError(new TypeError('oops'))).toBeUndefined();
    expect(
      translateStorageError(bulkWriteError('not an error')),
    ).toBeUndefined();
    expect(translateStorageError('text')).toBeUndefined();
  });
});

describe('isDuplicateKey', () => {
  it('is true only for code 11000', () => {
    expect(isDuplicateKey({ code: 11000 })).toBe(true);
    expect(isDuplicateKey({ code: 16500 })).toBe(false);
    expect(isDuplicateKey(null)).toBe(false);
  });
});
