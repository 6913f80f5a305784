// `@app/shared/http`: the global request pipeline and what controllers and interceptors use of it:
// callers and keys, correlation ids, problem+json, paging, ETags, Location.
export { HttpPipelineModule } from './http-pipeline.module';
export { GLOBAL_PREFIX, REQUEST_BUDGET_HEADER } from './constants';
export { Location } from './location';
export { requestOrigin } from './request-origin';
export { PROBLEM_CONTENT_TYPE, toProblem } from '../errors/problem';
export type { ProblemDetails } from '../errors/problem';
export { presentedApiKey } from '../auth/api-key.guard';
export { ApiKeys, matchesAnyKey, StaticApiKeys } from '../auth/api-keys';
export { callerOf, RequestCaller } from '../auth/caller';
export type { Caller, RequestWithKeyName } from '../auth/caller';
export { IS_PUBLIC, Public } from '../auth/public.decorator';
export { CorrelationId } from '../correlation/correlation-id.decorator';
export {
  CORRELATION_HEADER,
  correlationIdOf,
  traceparentFor,
} from '../correlation/correlation';
export {
  decodeContinuationToken,
  DEFAULT_PAGE_SIZE,
  encodeContinuationToken,
  MAX_PAGE_SIZE,
  Page,
  PageQueryDto,
  pageQueryShape,
  paginate,
  toPage,
} from '../paging/paging';
export type { PageQuery } from '../paging/paging';
export { parseIfMatch, preconditionFailed, Versioned } from '../etag/etag';
export type { IfMatch } from '../etag/etag';
export { truncateText } from '../text/well-formed-text';
