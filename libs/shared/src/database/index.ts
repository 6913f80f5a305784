// `@app/shared/database`: what repositories use around mongoose: typed collections, storage errors,
// throttling retries.
export { typedCollection, unretriedCollection } from './typed-collection';
export { isDuplicateKey, isThrottlingError } from './storage-errors';
// Throttle retry is applied where the database is reached (retry-throttled-calls.ts), not by callers.
export { retryAfterMsOf } from './throttle-retry';
