import type { NestHttpHandler } from '@app/shared';
import { app } from '@azure/functions';

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
    handler,
  });
}
