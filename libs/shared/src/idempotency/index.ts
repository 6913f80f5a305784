// `@app/shared/idempotency`: `Idempotency-Key` on creates (the module itself is in `platformImports`).
export {
  Idempotent,
  idempotencyKeyInFlight,
  idempotencyKeyReused,
  idempotencyScopeOf,
} from './idempotency.interceptor';
export type { IdempotencyScope } from './idempotency.interceptor';
export { IDEMPOTENCY_KEY_TTL_MS } from './idempotency.store';
export { Replayed } from './replayed';
