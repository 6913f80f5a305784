import {
  isDuplicateKey,
  isThrottlingError,
  translateStorageError,
} from './storage-errors';
import { withThrottleRetry } from './throttle-retry';

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

/** What FerretDB on SQLite answered a findAndModify that met another write's lock (stress load test). */
const sqliteBusy = () =>
  Object.assign(
    new Error(
      '[msg_findandmodify.go:196 handler.(*Handler).findAndModifyDocument] [collection.go:191 sqlite.(*collection).UpdateAll] database is locked (5) (SQLITE_BUSY)',
    ),
    { name: 'MongoServerError', code: 1 },
  );

describe('isThrottlingError', () => {
  it("is true for Cosmos DB's 16500 and FerretDB's SQLite lock contention, false for other internal errors", () => {
    expect(isThrottlingError({ code: 16500 })).toBe(true);
    expect(isThrottlingError(sqliteBusy())).toBe(true);
    expect(
      isThrottlingError(Object.assign(new Error('no such table'), { code: 1 })),
    ).toBe(false);
    expect(isThrottlingError({ code: 11000 })).toBe(false);
  });

  it('so a locked database is retried, and answered 503 when it stays locked', async () => {
    let calls = 0;
    await expect(
      withThrottleRetry(
        () =>
          ++calls < 3 ? Promise.reject(sqliteBusy()) : Promise.resolve('ok'),
        { deadlineMs: 1000, baseDelayMs: 1, maxDelayMs: 1 },
      ),
    ).resolves.toBe('ok');
    expect(calls).toBe(3);
    expect(translateStorageError(sqliteBusy())).toMatchObject({
      code: 'DATABASE_THROTTLED',
      status: 503,
    });
  });
});

describe('isDuplicateKey', () => {
  it('is true only for code 11000', () => {
    expect(isDuplicateKey({ code: 11000 })).toBe(true);
    expect(isDuplicateKey({ code: 16500 })).toBe(false);
    expect(isDuplicateKey(null)).toBe(false);
  });
});
