import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createControllerApp, expectProblem, send } from '@test/controller-app';
import { ExplorerAssets } from './explorer-assets';
import { ExplorerController } from './explorer.controller';

describe('ExplorerController (one controller, global pipeline)', () => {
  let app: NestFastifyApplication | undefined;
  let built: string;
  let empty: string;
  let withPlaceholder: string;
  const PLACEHOLDER = '<meta name="audit-api-base" content="" />';

  beforeAll(() => {
    built = mkdtempSync(join(tmpdir(), 'explorer-built-'));
    empty = mkdtempSync(join(tmpdir(), 'explorer-empty-'));
    mkdirSync(join(built, 'nested'));
    writeFileSync(join(built, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(built, 'explorer.js'), 'export {};');
    writeFileSync(join(built, 'explorer.css'), 'body {}');
    // Beside the page, never served: only the page's own file names are.
    writeFileSync(join(built, 'secret.txt'), 'not for the web');
    withPlaceholder = mkdtempSync(join(tmpdir(), 'explorer-placeholder-'));
    writeFileSync(
      join(withPlaceholder, 'index.html'),
      `<!doctype html><head>${PLACEHOLDER}</head>`,
    );
    writeFileSync(join(withPlaceholder, 'explorer.js'), 'export {};');
    writeFileSync(join(withPlaceholder, 'explorer.css'), 'body {}');
  });

  afterAll(() => {
    rmSync(built, { recursive: true, force: true });
    rmSync(empty, { recursive: true, force: true });
    rmSync(withPlaceholder, { recursive: true, force: true });
  });

  async function boot(directories: string[], apiBase?: string) {
    app = await createControllerApp(ExplorerController, [
      {
        provide: ExplorerAssets,
        useValue: new ExplorerAssets(directories, apiBase),
      },
    ]);
    return app;
  }

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it.each([
    ['/api/explorer', 'text/html; charset=utf-8', '<!doctype html>'],
    ['/api/explorer/explorer.js', 'text/javascript; charset=utf-8', 'export'],
    ['/api/explorer/explorer.css', 'text/css; charset=utf-8', 'body'],
  ])(
    'serves %s without a key, with its type and a strict CSP',
    async (url, contentType, start) => {
      const response = await send(await boot([empty, built]), {
        method: 'GET',
        url,
        key: null,
      });

      expect(response.status).toBe(200);
      expect(String(response.body)).toMatch(new RegExp(`^${start}`));
      expect(response.headers).toMatchObject({
        'content-type': contentType,
        'content-security-policy': expect.stringContaining(
          "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'",
        ),
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-cache',
      });
    },
  );

  it('sends /api/explorer/ to /api/explorer, where the relative links of the page resolve', async () => {
    const response = await send(await boot([built]), {
      method: 'GET',
      url: '/api/explorer/',
      key: null,
    });

    expect(response.status).toBe(308);
    expect(response.headers.location).toBe('../explorer');
  });

  it.each(['secret.txt', 'nested', '..%2Fsecret.txt', 'index.html%00'])(
    'answers 404 problem+json for a file that is not one of the page (%s)',
    async (file) => {
      const response = await send(await boot([built]), {
        method: 'GET',
        url: `/api/explorer/${file}`,
        key: null,
      });

      expectProblem(response, 404, 'EXPLORER_ASSET_NOT_FOUND');
    },
  );

  it('answers 503 EXPLORER_NOT_BUILT when the build left no page, and keeps no stack trace on the wire', async () => {
    const response = await send(await boot([empty]), {
      method: 'GET',
      url: '/api/explorer',
      key: null,
    });

    const problem = expectProblem(response, 503, 'EXPLORER_NOT_BUILT');
    expect(response.headers['retry-after']).toBe('300');
    expect(JSON.stringify(problem)).not.toContain(empty);
  });

  it('tells the page where its API is when it is served apart from it (behind API Management)', async () => {
    const response = await send(await boot([withPlaceholder], '/audit/api/'), {
      method: 'GET',
      url: '/api/explorer',
      key: null,
    });

    expect(response.status).toBe(200);
    expect(String(response.body)).toBe(
      '<!doctype html><head><meta name="audit-api-base" content="/audit/api/" /></head>',
    );
  });

  it('leaves the placeholder empty without an API base, so the page calls the API beside itself', async () => {
    const response = await send(await boot([withPlaceholder]), {
      method: 'GET',
      url: '/api/explorer',
      key: null,
    });

    expect(String(response.body)).toContain(PLACEHOLDER);
  });

  it('answers 503 EXPLORER_NOT_BUILT rather than a page that would call the wrong API, when the build has no placeholder', async () => {
    const response = await send(await boot([built], '/audit/api/'), {
      method: 'GET',
      url: '/api/explorer',
      key: null,
    });

    expectProblem(response, 503, 'EXPLORER_NOT_BUILT');
  });
});
