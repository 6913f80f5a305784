// Kept apart from the guard so telemetry (loaded before Nest, see apps/*/src/instrument.ts) can name
// the key's query parameter without loading Nest.

/** The header Azure Functions reads a function key from; the same here, so clients need no change between hosts. */
export const API_KEY_HEADER = 'x-functions-key';

/** The query parameter Azure Functions reads a function key from. */
export const API_KEY_QUERY = 'code';

/**
 * The header API Management forwards a caller's own key in when it must put a Functions host key of
 * its own into {@link API_KEY_HEADER} (the host reads that header before anything else, so the two
 * cannot share it). Read only by an app that opts in, and only on a request that carries the gateway
 * secret: nobody else can move the key the app checks away from the one the host checked.
 */
export const FORWARDED_API_KEY_HEADER = 'x-forwarded-functions-key';
