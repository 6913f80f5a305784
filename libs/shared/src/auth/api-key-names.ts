// Kept apart from the guard so telemetry (loaded before Nest, see apps/*/src/instrument.ts) can name
// the key's query parameter without loading Nest.

/** The header Azure Functions reads a function key from; the same here, so clients need no change between hosts. */
export const API_KEY_HEADER = 'x-functions-key';

/** The query parameter Azure Functions reads a function key from. */
export const API_KEY_QUERY = 'code';
