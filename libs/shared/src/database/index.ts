// `@app/shared/database`: what repositories use around mongoose: typed collections, storage errors,
// throttling retries.
export { typedCollection } from './typed-collection';
export { isDuplicateKey, isThrottlingError } from './storage-errors';
export { retryAfterMsOf, withThrottleRetry } from './throttle-retry';
