// `@app/shared/idempotency`: `Idempotency-Key` on creates. An app imports `IdempotencyModule` right after
// `platformImports` and marks its creates `@Idempotent()`.
export {
  Idempotent,
  IdempotencyInterceptor,
  idempotencyKeyInFlight,
  idempotencyKeyReused,
  idempotencyScopeOf,
} from './idempotency.interceptor';
export type { IdempotencyScope } from './idempotency.interceptor';
export { IdempotencyModule } from './idempotency.module';
export { IDEMPOTENCY_KEY_TTL_MS } from './idempotency.store';
export { Replayed } from './replayed';
