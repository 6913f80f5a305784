import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startFerretDb } from '../../scripts/lib/processes.cjs';
import { samplePatient } from '../support/samples';
import {
  RunningApp,
  RunningAudit,
  startAudit,
  startPatientTests,
} from './support/stack';
import { ThrottlingProxy } from './support/throttling-proxy';

const FERRETDB_BINARY_NEEDED =
  'these tests stop and restart a database, so they run their own FerretDB';
const record = () => ({
  sourceSystemName: 'faults',
  resource: { type: 'patient', operation: 'read' },
  patientIds: [],
  outcome: 200,
});

async function until<T>(
  attempt: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 30000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt();
    if (done(value) || Date.now() > deadline) {
      return value;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe(`when the database goes away (${FERRETDB_BINARY_NEEDED})`, () => {
  let database: Awaited<ReturnType<typeof startFerretDb>>;
  let port: number;
  const dataDir = mkdtempSync(join(tmpdir(), 'faults-db-'));
  let audit: RunningAudit;

  beforeAll(async () => {
    port = await freePort();
    database = await startFerretDb({ port, dataDir, logLevel: 'error' });
    audit = await startAudit({ MONGODB_URI: database.uri });
  });

  afterAll(async () => {
    await audit.app.close();
    await database.stop();
  });

  it('answers 503 with Retry-After while it is down, and recovers without a restart when it is back', async () => {
    expect((await audit.appender.post('/auditrecord', record())).status).toBe(
      201,
    );

    await database.stop();
    const down = await audit.appender.post('/auditrecord', record());
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('5');
    expect(down.body.code).toBe('DATABASE_UNAVAILABLE');
    expect(JSON.stringify(down.body)).not.toMatch(
      /Mongo|ECONNREFUSED|127\.0\.0\.1/,
    );
    expect(
      (await audit.client.withoutHeader('x-functions-key').get('/health'))
        .status,
    ).toBe(503);

    database = await startFerretDb({ port, dataDir, logLevel: 'error' });
    const recovered = await until(
      () => audit.appender.post('/auditrecord', record()),
      (response) => response.status === 201,
    );
    expect(recovered.status).toBe(201);
    expect((await audit.client.get('/auditrecord/verify')).body).toMatchObject({
      valid: true,
      checked: 2,
    });
  });
});

describe('when the database is down at start-up', () => {
  it('starts anyway, answers 503, and serves as soon as the database comes up, without a restart', async () => {
    const port = await freePort();
    const audit = await startAudit({
      MONGODB_URI: `mongodb://127.0.0.1:${port}/`,
    });
    let database: Awaited<ReturnType<typeof startFerretDb>> | undefined;
    try {
      expect(
        (await audit.client.withoutHeader('x-functions-key').get('/health'))
          .status,
      ).toBe(503);
      const down = await audit.appender.post('/auditrecord', record());
      expect(down.status).toBe(503);
      expect(down.headers.get('retry-after')).toBe('5');

      database = await startFerretDb({
        port,
        dataDir: mkdtempSync(join(tmpdir(), 'faults-late-')),
        logLevel: 'error',
      });
      const served = await until(
        () => audit.appender.post('/auditrecord', record()),
        (response) => response.status === 201,
        45000,
      );
      expect(served.status).toBe(201);
    } finally {
      await audit.close();
      await database?.stop();
    }
  });
});

describe('when Cosmos DB throttles (error 16500 injected on the wire)', () => {
  let proxy: ThrottlingProxy;
  let audit: RunningAudit;
  let patientTests: RunningApp;

  beforeAll(async () => {
    const upstream = Number(new URL(process.env.E2E_MONGODB_URI!).port);
    proxy = new ThrottlingProxy(upstream, 0.3);
    await proxy.start();
    audit = await startAudit({ MONGODB_URI: proxy.uri });
    patientTests = await startPatientTests(audit.url, {
      MONGODB_URI: proxy.uri,
    });
  });

  afterAll(async () => {
    await patientTests.close();
    await audit.close();
    await proxy.stop();
  });

  it('absorbs throttling on 30% of data commands: every request succeeds', async () => {
    proxy.ratio = 0.3;
    const before = proxy.throttled;
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const created = await patientTests.client.post(
        '/patient',
        samplePatient(),
      );
      statuses.push(created.status);
      if (created.status === 201) {
        statuses.push(
          (await patientTests.client.get(`/patient/${created.body.id}`)).status,
        );
      }
    }
    expect(statuses.filter((status) => status >= 400)).toEqual([]);
    expect(proxy.throttled - before).toBeGreaterThan(5);
  });

  it('answers 503 with Retry-After once throttling outlasts the retry deadline', async () => {
    proxy.ratio = 1;
    try {
      const response = await audit.appender.post('/auditrecord', record());
      expect(response.status).toBe(503);
      expect(response.body.code).toBe('DATABASE_THROTTLED');
      expect(response.headers.get('retry-after')).toBe('5');
    } finally {
      proxy.ratio = 0;
    }
  });
});
