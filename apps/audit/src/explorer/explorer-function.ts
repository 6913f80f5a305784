import type { NestHttpHandler } from '@app/shared/functions';
import { app, HttpRequest, HttpResponseInit } from '@azure/functions';
import { EXPLORER_FILE_NAMES } from './explorer-assets';

/** The only paths the key-less trigger passes on: the page and its own files. */
const PAGE_PATHS = new Set([
  '/api/explorer',
  '/api/explorer/',
  ...EXPLORER_FILE_NAMES.map((name) => `/api/explorer/${name}`),
]);

/**
 * The key-less trigger hands a request to the whole audit app, which inside Functions trusts the
 * host to have checked the key: so it passes on only the page's own paths, compared exactly as they
 * arrive (no decoding, no dot segments, no query), and answers 404 to anything else. Whatever the
 * host's route matching does with `..` or `%2F`, nothing but the page's files is reachable without a key.
 */
export function onlyThePage(handler: NestHttpHandler) {
  return (
    request: HttpRequest,
    ...rest: Parameters<NestHttpHandler> extends [unknown, ...infer R]
      ? R
      : never
  ): Promise<HttpResponseInit> => {
    const { pathname, search } = new URL(request.url);
    if (!PAGE_PATHS.has(pathname) || search !== '') {
      return Promise.resolve({
        status: 404,
        headers: { 'content-type': 'application/problem+json' },
        jsonBody: {
          type: 'about:blank',
          title: 'Not Found',
          status: 404,
          code: 'EXPLORER_ASSET_NOT_FOUND',
          detail: 'The explorer has no such file.',
        },
      });
    }
    return handler(request, ...rest);
  };
}

/**
 * Inside Azure Functions the host checks a function key before the app runs, on every route of the
 * catch-all trigger. A browser opening a page cannot send a header, so without this trigger the page
 * could only be opened with the key in its URL (`?code=`), where it would land in the history, the
 * host's logs and the Referer. The page's own files hold no data, so they get a trigger of their own
 * without a key (a literal route segment, which the host's routing prefers to the catch-all), served by
 * the same Nest app; every data call of the page still goes through the catch-all, key in a header.
 */
export function registerExplorerFunction(handler: NestHttpHandler): void {
  app.http('audit-explorer', {
    route: 'explorer/{*file}',
    methods: ['GET', 'HEAD'],
    authLevel: 'anonymous',
    handler: onlyThePage(handler),
  });
}
