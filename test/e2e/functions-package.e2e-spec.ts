import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AUDIT_KEY, uniqueDatabase } from './support/stack';

const ROOT = path.resolve(__dirname, '..', '..');
const APPS = ['patient-tests', 'audit'] as const;

interface InvokeResult {
  status: number;
  body?: string;
  metadata: { name: string };
  /** The process's standard error (NODE_DEBUG output lands there). */
  stderr: string;
}

/** Runs `node` and resolves with its exit code and output. */
function node(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, options);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Serves one request through the handler a package registers, in a fresh Node process whose only
 * modules are the package's own: the package is unzipped outside the repository (so no parent
 * node_modules can help), NODE_PATH is unset, and the worker's `@azure/functions-core` is stubbed.
 */
async function invokePackage(
  folder: string,
  method: string,
  route: string,
  env: Record<string, string>,
): Promise<InvokeResult> {
  const { code, stdout, stderr } = await node(
    [
      '--require',
      path.join(ROOT, 'scripts/lib/functions-core-preload.cjs'),
      path.join(ROOT, 'scripts/lib/functions-invoke.cjs'),
      path.join(folder, 'main.js'),
      method,
      route,
    ],
    {
      cwd: folder,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    },
  );
  const line = stdout
    .split('\n')
    .find((text) => text.startsWith('FUNCTIONS_INVOKE_RESULT '));
  if (code !== 0 || !line) {
    throw new Error(
      `the package did not serve the request (exit ${code}):\n${stderr}`,
    );
  }
  return {
    ...(JSON.parse(line.slice('FUNCTIONS_INVOKE_RESULT '.length)) as Omit<
      InvokeResult,
      'stderr'
    >),
    stderr,
  };
}

describe('the deployable Functions packages', () => {
  const outDir = mkdtempSync(path.join(tmpdir(), 'functions-package-'));
  const unpacked: Record<string, string> = {};

  beforeAll(() => {
    // `npm run package` itself, into a scratch folder so a developer's dist/functions is left alone.
    const packaged = spawnSync(
      process.execPath,
      [path.join(ROOT, 'scripts/package.mjs'), '--out-dir', outDir],
      { cwd: ROOT, encoding: 'utf8' },
    );
    if (packaged.status !== 0) {
      throw new Error(`npm run package failed:\n${packaged.stderr}`);
    }
    for (const app of APPS) {
      unpacked[app] = mkdtempSync(path.join(tmpdir(), `${app}-unzipped-`));
      const unzip = spawnSync(
        'unzip',
        ['-q', path.join(outDir, `${app}.zip`), '-d', unpacked[app]],
        { encoding: 'utf8' },
      );
      if (unzip.status !== 0) {
        throw new Error(`cannot unzip ${app}.zip: ${unzip.stderr}`);
      }
    }
  }, 240_000);

  afterAll(() => {
    for (const folder of [outDir, ...Object.values(unpacked)]) {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it.each(APPS)(
    '%s: host.json, the bundle with its V8 code cache, and a package.json whose main is the loader and whose dependencies are the locked externals',
    (app) => {
      const folder = unpacked[app];
      const manifest = JSON.parse(
        readFileSync(path.join(folder, 'package.json'), 'utf8'),
      );
      const lock = JSON.parse(
        readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'),
      );
      expect(manifest.main).toBe('main.js');
      expect(readFileSync(path.join(folder, 'main.js'), 'utf8')).toBe(
        readFileSync(
          path.join(ROOT, 'scripts/lib/v8-cache-loader.cjs'),
          'utf8',
        ),
      );
      expect(statSync(path.join(folder, 'code.v8cache')).size).toBeGreaterThan(
        1024 * 1024,
      );
      expect(Object.keys(manifest.dependencies)).toEqual(
        expect.arrayContaining(['@azure/functions', 'mongoose', 'mongodb']),
      );
      for (const [name, version] of Object.entries(manifest.dependencies)) {
        expect(name).toMatch(
          /^(@azure\/functions|applicationinsights|@opentelemetry\/.+|mongoose|mongodb)$/,
        );
        expect(version).toBe(lock.packages[`node_modules/${name}`].version);
      }
      expect(
        JSON.parse(readFileSync(path.join(folder, 'host.json'), 'utf8')),
      ).toEqual(
        JSON.parse(
          readFileSync(path.join(ROOT, 'apps', app, 'host.json'), 'utf8'),
        ),
      );
      // Nest itself is inside the bundle, not installed beside it.
      expect(() =>
        require.resolve('@nestjs/core', { paths: [folder] }),
      ).toThrow();
    },
  );

  it.each(APPS)(
    '%s: the unzipped package loads with only its own node_modules and serves /api/health',
    async (app) => {
      const result = await invokePackage(unpacked[app], 'GET', '/api/health', {
        MONGODB_URI: process.env.E2E_MONGODB_URI!,
        MONGODB_DATABASE: uniqueDatabase(`e2e-package-${app}`),
        AUDIT_API_KEY: AUDIT_KEY,
        LOG_LEVEL: 'silent',
      });
      expect(result.metadata.name).toBe(app);
      expect(result.status).toBe(200);
      expect(JSON.parse(result.body!)).toEqual({ status: 'ok' });
    },
  );

  it('serves a keyed request through the whole pipeline from the audit package', async () => {
    const result = await invokePackage(
      unpacked.audit,
      'GET',
      '/api/auditrecord?correlationId=0af7651916cd43dd8448eb211c80319c',
      {
        MONGODB_URI: process.env.E2E_MONGODB_URI!,
        MONGODB_DATABASE: uniqueDatabase('e2e-package-audit'),
        API_KEYS: AUDIT_KEY,
        FUNCTIONS_INVOKE_KEY: AUDIT_KEY,
        LOG_LEVEL: 'silent',
      },
    );
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body!)).toEqual([]);
  });

  it.each(APPS)(
    '%s: compiles the bundle and its externals from the code cache in a folder other than the one it was built in',
    async (app) => {
      const result = await invokePackage(unpacked[app], 'GET', '/api/health', {
        MONGODB_URI: process.env.E2E_MONGODB_URI!,
        MONGODB_DATABASE: uniqueDatabase(`e2e-package-${app}`),
        AUDIT_API_KEY: AUDIT_KEY,
        LOG_LEVEL: 'silent',
        NODE_DEBUG: 'v8-cache',
      });
      expect(result.status).toBe(200);
      const report = /compiled (\d+) files from the cache; rejected: (.*)/.exec(
        result.stderr,
      );
      expect(report).not.toBeNull();
      // app.js plus mongoose, mongodb, bson and @azure/functions: hundreds of files.
      expect(Number(report![1])).toBeGreaterThan(100);
      expect(JSON.parse(report![2])).toEqual([]);
    },
  );

  it.each(APPS)(
    '%s: the minified bundle serves the committed OpenAPI document unchanged (class and property names survive)',
    async (app) => {
      const result = await invokePackage(
        unpacked[app],
        'GET',
        '/api/openapi.json',
        {
          MONGODB_URI: process.env.E2E_MONGODB_URI!,
          MONGODB_DATABASE: uniqueDatabase(`e2e-package-${app}`),
          AUDIT_API_KEY: AUDIT_KEY,
          LOG_LEVEL: 'silent',
        },
      );
      expect(result.status).toBe(200);
      expect(JSON.parse(result.body!)).toEqual(
        JSON.parse(
          readFileSync(path.join(ROOT, 'apps', app, 'openapi.json'), 'utf8'),
        ),
      );
    },
  );

  describe('the audit package writes, validates and verifies through the bundle', () => {
    const env = {
      MONGODB_URI: process.env.E2E_MONGODB_URI!,
      MONGODB_DATABASE: uniqueDatabase('e2e-package-audit-writes'),
      API_KEYS: AUDIT_KEY,
      FUNCTIONS_INVOKE_KEY: AUDIT_KEY,
      LOG_LEVEL: 'silent',
    };

    it('stores a valid record in the hash chain', async () => {
      const result = await invokePackage(
        unpacked.audit,
        'POST',
        '/api/auditrecord',
        {
          ...env,
          FUNCTIONS_INVOKE_BODY: JSON.stringify({
            sourceSystemName: 'package-e2e',
            resource: { type: 'patient', id: 'p-1', operation: 'read' },
          }),
        },
      );
      expect(result.status).toBe(201);
      expect(JSON.parse(result.body!)).toMatchObject({
        sourceSystemName: 'package-e2e',
        resource: { type: 'patient', id: 'p-1', operation: 'read' },
        sequence: expect.any(Number),
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });

      const verified = await invokePackage(
        unpacked.audit,
        'GET',
        '/api/auditrecord/verify',
        env,
      );
      expect(verified.status).toBe(200);
      expect(JSON.parse(verified.body!)).toMatchObject({
        valid: true,
        checked: 1,
      });
    });

    it('answers an invalid record with a 400 problem that names the field', async () => {
      const result = await invokePackage(
        unpacked.audit,
        'POST',
        '/api/auditrecord',
        {
          ...env,
          FUNCTIONS_INVOKE_BODY: JSON.stringify({
            sourceSystemName: 42,
            resource: { type: 'patient', id: 'p-1', operation: 'read' },
          }),
        },
      );
      expect(result.status).toBe(400);
      expect(result.body).toContain('sourceSystemName');
      expect(JSON.parse(result.body!)).toMatchObject({
        status: 400,
        title: expect.any(String),
      });
    });
  });
});
