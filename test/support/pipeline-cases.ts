import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  expectProblem,
  InjectedRequest,
  send,
  TEST_API_KEY,
  validationPaths,
} from './controller-app';

/** One route of an app, as the pipeline cases drive it. */
export interface PipelineRoute {
  method: InjectedRequest['method'];
  url: string;
  /**
   * Boots the route's controller behind the global pipeline (`createControllerApp`) with its service
   * a strict mock with nothing stubbed, so a case that reached the service would fail the request
   * (500) instead of answering the 4xx asserted. `record` is the audit mock, when the app audits.
   */
  boot: () => Promise<{ app: NestFastifyApplication; record?: jest.Mock }>;
  /** A JSON body, for routes that take one (the cases are answered before validation). */
  body?: () => Record<string, unknown>;
  /** Paged: takes `limit` and `continuationToken`, and no other query parameter. */
  paged?: boolean;
  /** The same route with a malformed id, and the resource's problem it answers. */
  malformedIds?: Array<{ url: string; status: number; code: string }>;
}

const nameOf = (route: PipelineRoute) => `${route.method} ${route.url}`;

/**
 * The global pipeline's cases (keys, unmatched paths, bad JSON, body limit, media type, paging query,
 * malformed ids), once for every route in `routes`, so the controller specs keep to what each route
 * does itself and no route can be left out of a case.
 */
export function describePipelineCases(
  title: string,
  routes: PipelineRoute[],
): void {
  describe(title, () => {
    let app: NestFastifyApplication | undefined;

    async function boot(route: PipelineRoute) {
      const booted = await route.boot();
      app = booted.app;
      return booted;
    }

    afterEach(async () => {
      await app?.close();
      app = undefined;
    });

    describe.each(routes.map((route) => [nameOf(route), route] as const))(
      '%s',
      (_name, route) => {
        it.each([
          ['without a key', null],
          ['with a wrong key', `${TEST_API_KEY}-wrong`],
          ['with an empty key', ''],
        ])(
          'answers 401 UNAUTHORIZED problem+json %s, before auditing',
          async (_what, key) => {
            const { app, record } = await boot(route);

            const response = await send(app, {
              method: route.method,
              url: route.url,
              body: route.body?.(),
              key,
            });

            expectProblem(response, 401, 'UNAUTHORIZED');
            if (record) {
              expect(record).not.toHaveBeenCalled();
            }
          },
        );

        it('answers 404 NOT_FOUND problem+json for a path below it that no route matches', async () => {
          const { app } = await boot(route);

          const response = await send(app, {
            method: route.method,
            url: `${route.url}/x/y/z`,
            body: route.body?.(),
          });

          expectProblem(response, 404, 'NOT_FOUND');
        });
      },
    );

    const withBody = routes.filter((route) => route.body);
    describe.each(withBody.map((route) => [nameOf(route), route] as const))(
      '%s (with a body)',
      (_name, route) => {
        it('answers 400 BAD_REQUEST problem+json for malformed JSON, without quoting the parser', async () => {
          const { app } = await boot(route);

          const response = await send(app, {
            method: route.method,
            url: route.url,
            rawBody: '{"firstName": "Ada",',
          });

          const body = expectProblem(response, 400, 'BAD_REQUEST');
          expect(body.errors).toBeUndefined();
          expect(JSON.stringify(body)).not.toMatch(
            /Unexpected|position|JSON at/,
          );
        });

        it('answers 413 PAYLOAD_TOO_LARGE problem+json for a body over 64 KiB', async () => {
          const { app } = await boot(route);

          const response = await send(app, {
            method: route.method,
            url: route.url,
            body: { ...route.body!(), padding: 'a'.repeat(64 * 1024) },
          });

          expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
        });

        it('answers 415 UNSUPPORTED_MEDIA_TYPE problem+json for a body that is not JSON', async () => {
          const { app } = await boot(route);

          const response = await send(app, {
            method: route.method,
            url: route.url,
            rawBody: '<record/>',
            headers: { 'content-type': 'application/xml' },
          });

          expectProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
        });
      },
    );

    const paged = routes.filter((route) => route.paged);
    describe.each(paged.map((route) => [nameOf(route), route] as const))(
      '%s (paged)',
      (_name, route) => {
        it.each(['0', '201', 'abc', '1&limit=2'])(
          'answers 400 problem+json naming limit for limit=%s',
          async (limit) => {
            const { app } = await boot(route);

            const response = await send(app, {
              method: route.method,
              url: `${route.url}?limit=${limit}`,
              body: route.body?.(),
            });

            expect(validationPaths(response)).toEqual(['limit']);
          },
        );

        it.each(['offset', 'sort', 'user'])(
          'answers 400 VALIDATION_FAILED problem+json naming an unknown query parameter (%s)',
          async (parameter) => {
            const { app } = await boot(route);

            const response = await send(app, {
              method: route.method,
              url: `${route.url}?${parameter}=10`,
              body: route.body?.(),
            });

            const body = expectProblem(response, 400, 'VALIDATION_FAILED');
            expect(body.errors[0].message).toContain(parameter);
          },
        );
      },
    );

    const withIds = routes.flatMap((route) =>
      (route.malformedIds ?? []).map(
        (malformed) => [route.method, malformed.url, malformed, route] as const,
      ),
    );
    if (withIds.length > 0) {
      it.each(withIds)(
        'answers %s %s (a malformed id) with its resource problem, before any lookup',
        async (_method, _url, malformed, route) => {
          const { app } = await boot(route);

          const response = await send(app, {
            method: route.method,
            url: malformed.url,
            body: route.body?.(),
          });

          expectProblem(response, malformed.status, malformed.code);
        },
      );
    }
  });
}
