/** Both apps serve under `/api`, like Azure Functions' default route prefix. */
export const GLOBAL_PREFIX = 'api';
/** Request bodies above 64 KiB are refused with 413 before they are parsed. */
export const BODY_LIMIT_BYTES = 64 * 1024;
/** `BODY_LIMIT_BYTES` as people read it, for problem details and the OpenAPI document. */
export const BODY_LIMIT_TEXT = `${BODY_LIMIT_BYTES / 1024} KiB`;
/** The health probe's route under the prefix, and its path, which logs and telemetry leave out. */
export const HEALTH_ROUTE = 'health';
export const HEALTH_PATH = `/${GLOBAL_PREFIX}/${HEALTH_ROUTE}`;
/**
 * A caller's remaining time budget in milliseconds, sent with a call to say how long it will wait
 * (patient-tests -> audit): the callee starts no work that would end after it.
 */
export const REQUEST_BUDGET_HEADER = 'x-request-budget-ms';
