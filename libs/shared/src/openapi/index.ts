// `@app/shared/openapi`: the OpenAPI document (security schemes, problem schema) and the decorators
// that describe responses and headers on routes.
export {
  FUNCTION_KEY_HEADER_SCHEME,
  FUNCTION_KEY_QUERY_SCHEME,
  writeOpenApiDocument,
} from './openapi';
export type { OpenApiInfo } from './openapi';
export { ApiProblemResponses } from './problem-responses.decorator';
export { ApiIdempotencyKey, ApiIfMatch } from './request-headers.decorator';
export { responseHeaders } from './response-headers';
