import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { knownTrace } from '../support/http';
import { samplePatient } from '../support/samples';
import { AppProcess, startAppProcess } from './support/app-process';
import { databaseUri, type Service } from './support/databases';
import {
  AUDIT_KEY,
  AUDIT_READER_KEY,
  PATIENT_TESTS_KEY,
  uniqueDatabase,
} from './support/stack';
import {
  expectOneOperation,
  operation,
  telemetryEnv,
} from './support/telemetry-assertions';
import { TelemetryCollector } from './support/telemetry-collector';

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

/** A package run's environment: `app`'s e2e store under a fresh database name, quiet logs, then `extra`. */
function packageEnv(
  app: Service,
  database: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    MONGODB_URI: databaseUri(app),
    MONGODB_DATABASE: uniqueDatabase(database),
    // patient-tests needs its key for the audit API to start; audit ignores it.
    AUDIT_API_KEY: AUDIT_KEY,
    // audit needs its key lists even inside Azure Functions; patient-tests ignores the reader keys.
    API_KEYS: AUDIT_KEY,
    AUDIT_READER_KEYS: AUDIT_READER_KEY,
    LOG_LEVEL: 'silent',
    ...extra,
  };
}

/** The loader's NODE_DEBUG=startup-cache report, from a package run's standard error. */
function startupCacheReport(stderr: string) {
  const report =
    /compiled (\d+) files from the cache; rejected: (.*); resolved (\d+) requests from the cache; source changed: (.*); data damaged: (.*); checksums took/.exec(
      stderr,
    );
  if (!report) {
    throw new Error(`no start-up cache report in:\n${stderr}`);
  }
  return {
    compiled: Number(report[1]),
    rejected: JSON.parse(report[2]) as string[],
    resolved: Number(report[3]),
    // Files whose source or cached data did not match their hash: none in a package as built.
    doubtful: [
      ...(JSON.parse(report[4]) as string[]),
      ...(JSON.parse(report[5]) as string[]),
    ],
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
    '%s: host.json, the bundle with its start-up cache, and a package.json whose main is the loader and whose dependencies are the locked externals',
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
          path.join(ROOT, 'scripts/lib/startup-cache-loader.cjs'),
          'utf8',
        ),
      );
      expect(statSync(path.join(folder, 'startup.cache')).size).toBeGreaterThan(
        1024 * 1024,
      );
      expect(Object.keys(manifest.dependencies)).toEqual(
        expect.arrayContaining(['@azure/functions', 'mongoose', 'mongodb']),
      );
      for (const [name, version] of Object.entries(manifest.dependencies)) {
        expect(name).toMatch(
          /^(@azure\/functions|@azure\/keyvault-keys|@azure\/storage-blob|applicationinsights|@opentelemetry\/.+|mongoose|mongodb)$/,
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
      const result = await invokePackage(
        unpacked[app],
        'GET',
        '/api/health',
        packageEnv(app, `e2e-package-${app}`),
      );
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
      packageEnv('audit', 'e2e-package-audit', {
        FUNCTIONS_INVOKE_KEY: AUDIT_READER_KEY,
      }),
    );
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body!)).toEqual([]);
  });

  it.each([
    ['/api/explorer', '<title>Audit register explorer</title>'],
    ['/api/explorer/explorer.js', 'x-functions-key'],
  ])(
    "serves the audit explorer's %s from the files packaged beside the bundle",
    async (route, content) => {
      const result = await invokePackage(
        unpacked.audit,
        'GET',
        route,
        packageEnv('audit', 'e2e-package-audit'),
      );
      expect(result.status).toBe(200);
      expect(result.body).toContain(content);
    },
  );

  it.each(APPS)(
    '%s: compiles and resolves from its start-up cache in a folder other than the one it was built in',
    async (app) => {
      const result = await invokePackage(
        unpacked[app],
        'GET',
        '/api/health',
        packageEnv(app, `e2e-package-${app}`, {
          NODE_DEBUG: 'startup-cache',
        }),
      );
      expect(result.status).toBe(200);
      const report = startupCacheReport(result.stderr);
      // app.js plus mongoose, mongodb, bson and @azure/functions: hundreds of files and requests.
      expect(report.compiled).toBeGreaterThan(100);
      expect(report.rejected).toEqual([]);
      expect(report.doubtful).toEqual([]);
      expect(report.resolved).toBeGreaterThan(100);
    },
  );

  it.each(APPS)(
    "%s: every resolution in the start-up cache is the one Node's own resolver makes in the unzipped folder",
    async (app) => {
      // In a fresh process without the loader: resolve each recorded request from its directory.
      const check = `
        const fs = require('node:fs');
        const { createRequire } = require('node:module');
        const path = require('node:path');
        // Layout: index length (4 bytes), the index's SHA-256 (32 bytes), the index, V8 data.
        const bytes = fs.readFileSync('startup.cache');
        const length = bytes.readUInt32LE(0);
        const { resolved } = JSON.parse(bytes.toString('utf8', 36, 36 + length));
        const differing = Object.entries(resolved).filter(([key, file]) => {
          const [directory, request] = key.split('\\0');
          const actual = createRequire(path.resolve(directory, 'x.js')).resolve(request);
          return actual !== path.resolve(file);
        });
        console.log(JSON.stringify({ checked: Object.keys(resolved).length, differing }));
      `;
      const { code, stdout, stderr } = await node(['-e', check], {
        cwd: unpacked[app],
        env: { PATH: process.env.PATH },
      });
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      const { checked, differing } = JSON.parse(stdout);
      expect(checked).toBeGreaterThan(100);
      expect(differing).toEqual([]);
    },
  );

  it.each(APPS)(
    '%s: the bundle serves the committed OpenAPI document unchanged (class and property names survive minification)',
    async (app) => {
      const result = await invokePackage(
        unpacked[app],
        'GET',
        '/api/openapi.json',
        packageEnv(app, `e2e-package-${app}`),
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
    const env = packageEnv('audit', 'e2e-package-audit-writes', {
      FUNCTIONS_INVOKE_KEY: AUDIT_KEY,
    });

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
            patientIds: ['p-1'],
            outcome: 200,
          }),
        },
      );
      expect(result.status).toBe(201);
      expect(JSON.parse(result.body!)).toMatchObject({
        sourceSystemName: 'package-e2e',
        resource: { type: 'patient', id: 'p-1', operation: 'read' },
        patientIds: ['p-1'],
        outcome: 200,
        sequence: expect.any(Number),
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });

      const verified = await invokePackage(
        unpacked.audit,
        'GET',
        '/api/auditrecord/verify',
        { ...env, FUNCTIONS_INVOKE_KEY: AUDIT_READER_KEY },
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
            patientIds: ['p-1'],
            outcome: 200,
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

  describe('the patient-tests package with telemetry on', () => {
    const collector = new TelemetryCollector();
    let audit: AppProcess;

    beforeAll(async () => {
      await collector.start();
      audit = await startAppProcess('audit', {
        MONGODB_URI: databaseUri('audit'),
        MONGODB_DATABASE: uniqueDatabase('e2e-package-telemetry-audit'),
        API_KEYS: AUDIT_KEY,
        AUDIT_READER_KEYS: AUDIT_READER_KEY,
        ...telemetryEnv(collector),
      });
    });

    afterAll(async () => {
      await audit?.stop();
      await collector.stop();
    });

    it("still instruments HTTP and MongoDB with the SDK loaded through the start-up cache: one operation from the host's trace context", async () => {
      const { traceId, traceparent } = knownTrace();
      const result = await invokePackage(
        unpacked['patient-tests'],
        'POST',
        '/api/patient',
        packageEnv('patient-tests', 'e2e-package-telemetry', {
          API_KEYS: PATIENT_TESTS_KEY,
          AUDIT_API_URL: audit.url,
          LOG_LEVEL: 'warn',
          ...telemetryEnv(collector),
          FUNCTIONS_INVOKE_KEY: PATIENT_TESTS_KEY,
          FUNCTIONS_INVOKE_TRACEPARENT: traceparent,
          FUNCTIONS_INVOKE_BODY: JSON.stringify(samplePatient()),
          NODE_DEBUG: 'startup-cache',
        }),
      );
      expect(result.status).toBe(201);
      // The SDK's files came from the cache too: far more than the ~500 of a run without telemetry.
      const report = startupCacheReport(result.stderr);
      expect(report.compiled).toBeGreaterThan(1000);
      expect(report.rejected).toEqual([]);
      expect(report.doubtful).toEqual([]);
      // patient-tests' request, its MongoDB calls and its call to audit, parented to the host's span.
      expectOneOperation(
        await operation(collector, traceId),
        traceparent.split('-')[2],
      );
    });
  });
});
