// `@app/shared/functions`: hosting a Nest app in Azure Functions (v4 programming model).
export { registerFunctionApp, ALL_HTTP_METHODS } from './register-function-app';
export { createHttpHandler, NEST_BOOTSTRAP_MEASURE } from './http-handler';
export type { NestHttpHandler } from './http-handler';
export { currentInvocation } from './invocation';
