/**
 * What the host an app runs in does for it, said by the entry point that starts the app (the Azure
 * Functions entry passes `{ hostChecksKeys: true }` to `registerFunctionApp`), never read from the
 * environment. Injected by this class; an app built without one runs as a plain HTTP server.
 */
export abstract class AppHost {
  /**
   * The host checks function keys before a request reaches the app, so the app may run with an empty
   * `API_KEYS` and leave key checks to it.
   */
  abstract readonly hostChecksKeys: boolean;
}

/** A plain HTTP server (`nest start`, tests): nothing in front of the app checks keys. */
export const PLAIN_HTTP_HOST: AppHost = { hostChecksKeys: false };
