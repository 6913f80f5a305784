/** Both apps serve under `/api`, like Azure Functions' default route prefix. */
export const GLOBAL_PREFIX = 'api';
/** Request bodies above 64 KiB are refused with 413 before they are parsed. */
export const BODY_LIMIT_BYTES = 64 * 1024;
/**
 * A caller's remaining time budget in milliseconds, sent with a call to say how long it will wait
 * (patient-tests -> audit): the callee starts no work that would end after it.
 */
export const REQUEST_BUDGET_HEADER = 'x-request-budget-ms';
