/** Both apps serve under `/api`, like Azure Functions' default route prefix. */
export const GLOBAL_PREFIX = 'api';
/** Request bodies above 64 KiB are refused with 413 before they are parsed. */
export const BODY_LIMIT_BYTES = 64 * 1024;
