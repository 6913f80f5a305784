import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ALL_HTTP_METHODS } from '@app/shared/functions';
import { ROOT } from '../../scripts/lib/processes.cjs';
import {
  HttpRequest,
  HttpResponseInit,
  InvocationContext,
} from '@azure/functions';
import {
  FUNCTIONS_BASE_URL,
  invocationContext,
  invoke,
  received,
} from './support/functions-host';
import { createPatientTestsApp } from '../../apps/patient-tests/src/create-patient-tests-app';
import { FunctionsApp, startFunctionsApp } from './support/hosts';
import {
  AUDIT_KEY,
  AUDIT_READER_KEY,
  RunningAudit,
  startAudit,
} from './support/stack';

interface StubRegistry {
  functions: Array<{
    metadata: { name: string; bindings: object };
    callback: (
      request: HttpRequest,
      context: InvocationContext,
    ) => Promise<HttpResponseInit>;
  }>;
  hooks: Array<{ hookName: string; callback: (context: object) => unknown }>;
}

/** What the apps registered with the (stubbed) Functions worker: see scripts/lib/functions-core-stub.cjs. */
const registry = (): StubRegistry =>
  (globalThis as Record<symbol, StubRegistry>)[
    Symbol.for('functions-core-stub')
  ];

describe.each(['patient-tests', 'audit'] as const)(
  'the %s Functions entry',
  (entry) => {
    let app: FunctionsApp;

    beforeAll(async () => {
      app = await startFunctionsApp(entry, {
        AUDIT_API_URL: 'http://127.0.0.1:9/api',
        AUDIT_API_KEY: 'unused-audit-key-0001',
      });
    });

    afterAll(() => app.close());

    it('registers one catch-all HTTP trigger that needs a function key, for every method', () => {
      const registered = registry().functions.filter(
        (fn) => fn.metadata.name === entry,
      );
      expect(registered.length).toBeGreaterThan(0);
      const bindings = Object.values(
        registered[registered.length - 1].metadata.bindings,
      );
      expect(bindings).toEqual([
        expect.objectContaining({
          type: 'httpTrigger',
          direction: 'in',
          route: '{*segments}',
          authLevel: 'function',
          methods: ALL_HTTP_METHODS,
        }),
        expect.objectContaining({ type: 'http', direction: 'out' }),
      ]);
    });

    it('closes the app when the host terminates the worker', async () => {
      const close = jest.spyOn(app.handler, 'close');
      const terminate = registry().hooks.filter(
        (hook) => hook.hookName === 'appTerminate',
      );
      await terminate[terminate.length - 1].callback({
        hookData: {},
        appHookData: {},
      });
      expect(close).toHaveBeenCalledTimes(1);
      await expect(close.mock.results[0].value).resolves.toBeUndefined();
      close.mockRestore();
    });
  },
);

describe("the audit explorer's page in Azure Functions", () => {
  let app: FunctionsApp;

  beforeAll(async () => {
    execFileSync(process.execPath, [
      join(ROOT, 'scripts', 'build-explorer.mjs'),
    ]);
    app = await startFunctionsApp('audit');
  });

  afterAll(() => app.close());

  it('has a trigger of its own without a function key (a browser cannot send one), served by the audit app', async () => {
    const explorer = registry().functions.filter(
      (fn) => fn.metadata.name === 'audit-explorer',
    );
    expect(explorer.length).toBeGreaterThan(0);
    expect(
      Object.values(explorer[explorer.length - 1].metadata.bindings),
    ).toEqual([
      expect.objectContaining({
        type: 'httpTrigger',
        route: 'explorer/{*file}',
        authLevel: 'anonymous',
        methods: ['GET', 'HEAD'],
      }),
      expect.objectContaining({ type: 'http', direction: 'out' }),
    ]);
    // The audit app itself serves the page, without a key; its data routes stay behind the catch-all's.
    const page = await received(
      await invoke(app.handler, 'GET', `${FUNCTIONS_BASE_URL}/explorer`),
    );
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain(
      "default-src 'none'",
    );
  });

  it("passes on only the page's own files: no other route of the app is reachable without a key", async () => {
    // The last registration: this describe's app (each load of the entry registers its triggers).
    const explorer = registry()
      .functions.filter((fn) => fn.metadata.name === 'audit-explorer')
      .at(-1)!;
    const status = async (path: string) =>
      (
        await explorer.callback(
          new HttpRequest({
            method: 'GET',
            url: `http://localhost:7071${path}`,
          }),
          invocationContext(),
        )
      ).status;
    expect(await status('/api/explorer')).toBe(200);
    expect(await status('/api/explorer/explorer.js')).toBe(200);
    for (const path of [
      '/api/auditrecord',
      '/api/explorer/../auditrecord',
      '/api/explorer/..%2Fauditrecord',
      '/api/explorer/%2e%2e/auditrecord',
      '/api/explorer/explorer.js/../../auditrecord',
      '/api/explorer?patientId=x',
      '/api/explorer/chain/verify',
    ]) {
      expect({ path, status: await status(path) }).toEqual({
        path,
        status: 404,
      });
    }
  });
});

describe('a Functions entry without API_KEYS', () => {
  let app: FunctionsApp;
  let audit: RunningAudit;

  beforeAll(async () => {
    // As on Azure without app-level keys: the host checks function keys before the app runs. The
    // environment does not say so (FUNCTIONS_WORKER_RUNTIME unset): the entry does.
    delete process.env.FUNCTIONS_WORKER_RUNTIME;
    delete process.env.API_KEYS;
    audit = await startAudit();
    app = await startFunctionsApp('patient-tests', {
      API_KEYS: '',
      AUDIT_API_URL: audit.url,
      AUDIT_API_KEY: AUDIT_KEY,
    });
  });

  afterAll(async () => {
    await app?.close();
    await audit?.close();
  });

  it('starts (startFunctionsApp checks its health), because the entry says the host checks keys: the environment does not', () => {
    expect(process.env.FUNCTIONS_WORKER_RUNTIME).toBeUndefined();
  });

  it('while the plain HTTP factory, with the same settings, refuses to start', async () => {
    const settings = {
      API_KEYS: '',
      AUDIT_API_URL: audit.url,
      AUDIT_API_KEY: AUDIT_KEY,
      LOG_LEVEL: 'silent',
    };
    Object.assign(process.env, settings);
    try {
      await expect(createPatientTestsApp()).rejects.toThrow(
        /API_KEYS: must list at least one key/,
      );
    } finally {
      for (const name of Object.keys(settings)) {
        delete process.env[name];
      }
    }
  });

  it('leaves key checks to the host', async () => {
    const response = await app.client
      .withoutHeader('x-functions-key')
      .post('/patient/search', { postCode: 'none' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual([]);
  });

  it('still validates what it is sent', async () => {
    const response = await app.client.post('/patient', { firstName: 7 });
    expect(response.status).toBe(400);
  });

  it('except for audit, which refuses to start: only its key lists say which key may append and which may read', async () => {
    await expect(
      startFunctionsApp('audit', { API_KEYS: '' }),
    ).rejects.toThrow();
  });
});

describe("the audit Functions entry on the auditors' path (API Management's own host key, the reader key forwarded)", () => {
  const GATEWAY_SECRET = 'e2e-gateway-secret-functions-01';
  // The host has checked this key (one of its own); it is in neither of audit's role lists.
  const GATEWAY_HOST_KEY = 'e2e-gateway-host-key-in-no-list';
  let app: FunctionsApp;

  beforeAll(async () => {
    app = await startFunctionsApp('audit', { GATEWAY_SECRET });
  });

  afterAll(() => app?.close());

  const asTheGateway = (headers: Record<string, string>) =>
    app.client.with({ 'x-functions-key': GATEWAY_HOST_KEY, ...headers });

  it('reads with the forwarded reader key when the gateway secret comes with it', async () => {
    const response = await asTheGateway({
      'x-gateway-secret': GATEWAY_SECRET,
      'x-forwarded-functions-key': AUDIT_READER_KEY,
    }).get('/auditrecord/verify');
    expect(response.status).toBe(200);
  });

  it('refuses the same request without the gateway secret (401): only the gateway may forward a key', async () => {
    const response = await asTheGateway({
      'x-forwarded-functions-key': AUDIT_READER_KEY,
    }).get('/auditrecord/verify');
    expect(response.status).toBe(401);
  });

  it('refuses a forwarded append key on the read side (403) and a forwarded reader key on the append route (403)', async () => {
    const read = await asTheGateway({
      'x-gateway-secret': GATEWAY_SECRET,
      'x-forwarded-functions-key': AUDIT_KEY,
    }).get('/auditrecord/verify');
    expect(read.status).toBe(403);
    const append = await asTheGateway({
      'x-gateway-secret': GATEWAY_SECRET,
      'x-forwarded-functions-key': AUDIT_READER_KEY,
    }).post('/auditrecord', {
      sourceSystemName: 'e2e-suite',
      resource: { type: 'patient', id: 'p', operation: 'read' },
      patientIds: ['p'],
      outcome: 200,
    });
    expect(append.status).toBe(403);
  });
});
