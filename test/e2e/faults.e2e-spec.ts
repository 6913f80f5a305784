import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import {
  type FerretDb,
  freePort,
  startFerretDb,
} from '../../scripts/lib/processes.cjs';
import { samplePatient } from '../support/samples';
import { databaseUri } from './support/databases';
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
  let database: FerretDb;
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

    // The same data folder keeps the user created at the first start.
    database = await startFerretDb({
      port,
      dataDir,
      logLevel: 'error',
      username: database.username,
      password: database.password,
    });
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
    const password = randomBytes(16).toString('hex');
    const audit = await startAudit({
      MONGODB_URI: `mongodb://audit:${password}@127.0.0.1:${port}/`,
    });
    let database: FerretDb | undefined;
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
        username: 'audit',
        password,
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
  // One proxy in front of each service's store.
  let auditProxy: ThrottlingProxy;
  let patientTestsProxy: ThrottlingProxy;
  let audit: RunningAudit;
  let patientTests: RunningApp;
  const proxies = () => [auditProxy, patientTestsProxy];
  const throttled = () => auditProxy.throttled + patientTestsProxy.throttled;
  const throttle = (ratio: number) =>
    proxies().forEach((proxy) => (proxy.ratio = ratio));

  beforeAll(async () => {
    auditProxy = new ThrottlingProxy(databaseUri('audit'), 0.3);
    patientTestsProxy = new ThrottlingProxy(databaseUri('patient-tests'), 0.3);
    await Promise.all(proxies().map((proxy) => proxy.start()));
    audit = await startAudit({ MONGODB_URI: auditProxy.uri });
    patientTests = await startPatientTests(audit.url, {
      MONGODB_URI: patientTestsProxy.uri,
    });
  });

  afterAll(async () => {
    await patientTests.close();
    await audit.close();
    await Promise.all(proxies().map((proxy) => proxy.stop()));
  });

  it('absorbs throttling on 30% of data commands: every request succeeds', async () => {
    throttle(0.3);
    const before = throttled();
    const beforePatientTests = patientTestsProxy.throttled;
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
    expect(throttled() - before).toBeGreaterThan(5);
    // patient-tests' own reads and writes were throttled too, and retried (every request succeeded).
    expect(patientTestsProxy.throttled - beforePatientTests).toBeGreaterThan(0);
  });

  it('answers 503 with Retry-After once throttling outlasts the retry deadline', async () => {
    throttle(1);
    try {
      const response = await audit.appender.post('/auditrecord', record());
      expect(response.status).toBe(503);
      expect(response.body.code).toBe('DATABASE_THROTTLED');
      expect(response.headers.get('retry-after')).toBe('5');
    } finally {
      throttle(0);
    }
  });
});
