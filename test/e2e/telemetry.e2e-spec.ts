import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpClient, knownTrace } from '../support/http';
import { samplePatient } from '../support/samples';
import { ROOT } from '../../scripts/lib/processes.cjs';
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
  isRequest,
  operation,
  operationId,
  telemetryEnv,
} from './support/telemetry-assertions';
import { TelemetryCollector } from './support/telemetry-collector';

/** The identifier system of the insurance number, as a FHIR client writes it. */
const INSURANCE = 'urn:patient-tests:insurance-number';

function appEnv(
  name: Service,
  extra: Record<string, string>,
): Record<string, string> {
  return {
    MONGODB_URI: databaseUri(name),
    MONGODB_DATABASE: uniqueDatabase(`e2e-telemetry-${name}`),
    ...extra,
  };
}

/** The passwords in the apps' connection strings (none when a store takes no credential). */
const databasePasswords = () =>
  (['patient-tests', 'audit'] as const)
    .map((service) =>
      decodeURIComponent(new URL(databaseUri(service)).password),
    )
    .filter((password) => password.length > 0);

describe('distributed telemetry through Application Insights', () => {
  const collector = new TelemetryCollector();
  let audit: AppProcess;
  let patientTests: AppProcess;

  beforeAll(async () => {
    await collector.start();
    audit = await startAppProcess(
      'audit',
      appEnv('audit', {
        ...telemetryEnv(collector),
        API_KEYS: AUDIT_KEY,
        AUDIT_READER_KEYS: AUDIT_READER_KEY,
      }),
    );
    patientTests = await startAppProcess(
      'patient-tests',
      appEnv('patient-tests', {
        ...telemetryEnv(collector),
        API_KEYS: PATIENT_TESTS_KEY,
        AUDIT_API_URL: audit.url,
        AUDIT_API_KEY: AUDIT_KEY,
        // Request logs are at info: the key tests read them.
        LOG_LEVEL: 'info',
      }),
    );
  });

  afterAll(async () => {
    await patientTests?.stop();
    await audit?.stop();
    await collector.stop();
  });

  it('gives patient-tests, its call to audit, audit and both database calls one operation id and a parent chain', async () => {
    const { traceId, traceparent } = knownTrace();
    const patient = samplePatient();
    const client = new HttpClient(patientTests.url, {
      'x-functions-key': PATIENT_TESTS_KEY,
    });

    const created = await client.post('/patient', patient, {
      headers: { traceparent },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-correlation-id')).toBe(traceId);

    expectOneOperation(
      await operation(collector, traceId),
      traceparent.split('-')[2],
    );

    const records = await new HttpClient(audit.url, {
      'x-functions-key': AUDIT_READER_KEY,
    }).get(`/auditrecord?correlationId=${traceId}`);
    // The create's outcome, then its attempt.
    expect(records.body).toEqual([
      expect.objectContaining({ correlationId: traceId, outcome: 201 }),
      expect.objectContaining({ correlationId: traceId, outcome: 'attempted' }),
    ]);

    const everything = collector.rawBodies.join('\n');
    for (const secret of [
      patient.lastName,
      patient.insuranceNumber,
      PATIENT_TESTS_KEY,
      AUDIT_KEY,
      ...databasePasswords(),
    ]) {
      expect(everything).not.toContain(secret);
    }
  });

  /** patient-tests' request log line of the trace, once its request telemetry has arrived. */
  async function requestLogLineOf(traceId: string) {
    await collector.waitFor((all) =>
      all.some((e) => isRequest(e) && operationId(e) === traceId),
    );
    return patientTests
      .output()
      .split('\n')
      .find((line) => line.includes(traceId) && line.includes('"url"'));
  }

  const encodedEveryByte = (text: string) =>
    Array.from(Buffer.from(text), (byte) => `%${byte.toString(16)}`).join('');

  it.each([
    ['code=', `code=${PATIENT_TESTS_KEY}`],
    ['an encoded name', `%63ode=${PATIENT_TESTS_KEY}`],
    ['a wholly encoded name', `%63%6F%64%65=${PATIENT_TESTS_KEY}`],
    ['an encoded value', `code=${encodedEveryByte(PATIENT_TESTS_KEY)}`],
    ['a later parameter', `limit=5&c%6fde=${PATIENT_TESTS_KEY}`],
  ])(
    'keeps a key sent as %s out of request telemetry and the request log',
    async (_what, query) => {
      const { traceId, traceparent } = knownTrace();
      const client = new HttpClient(patientTests.url);
      const response = await client.post(
        `/patient/search?${query}`,
        {},
        { headers: { traceparent } },
      );
      expect(response.status).toBe(200);

      const logLine = await requestLogLineOf(traceId);
      expect(logLine).toContain('REDACTED');
      for (const written of [collector.rawBodies.join('\n'), logLine]) {
        expect(written).not.toContain(PATIENT_TESTS_KEY);
        expect(written).not.toContain(encodedEveryByte(PATIENT_TESTS_KEY));
      }
    },
  );

  it('keeps the family name, birth date and identifier of a FHIR Patient search out of request telemetry and the request log', async () => {
    const { traceId, traceparent } = knownTrace();
    const patient = samplePatient({
      lastName: `Quixley${randomUUID().slice(0, 8)}`,
      dateOfBirth: '1931-07-19',
    });
    const client = new HttpClient(patientTests.url, {
      'x-functions-key': PATIENT_TESTS_KEY,
    });
    expect((await client.post('/patient', patient)).status).toBe(201);
    const identifier = `${INSURANCE}|${patient.insuranceNumber}`;

    const search = await client.get(
      `/fhir/Patient?family=${patient.lastName}&birthdate=${patient.dateOfBirth}&identifier=${encodeURIComponent(identifier)}&_count=10`,
      { headers: { traceparent } },
    );
    // The search really carried the values: it found the patient by them.
    expect(search.status).toBe(200);
    expect(search.body).toMatchObject({ resourceType: 'Bundle', total: 1 });

    const logLine = await requestLogLineOf(traceId);
    // The exporter builds a request's URL from its path today; the query is checked all the same, in
    // case a version sends it (libs/shared/src/telemetry/url-attributes.spec.ts covers the hook).
    for (const written of [collector.rawBodies.join('\n'), logLine]) {
      for (const personal of [
        patient.lastName,
        patient.dateOfBirth,
        patient.insuranceNumber,
        encodeURIComponent(identifier),
      ]) {
        expect(written).not.toContain(personal);
      }
    }
    // Names and the listed page size stay, for diagnosis.
    expect(logLine).toContain(
      '/api/fhir/Patient?family=REDACTED&birthdate=REDACTED&identifier=REDACTED&_count=10',
    );
  });
});

describe('distributed telemetry through the Azure Functions handler', () => {
  const collector = new TelemetryCollector();
  let audit: AppProcess;

  beforeAll(async () => {
    await collector.start();
    audit = await startAppProcess(
      'audit',
      appEnv('audit', {
        ...telemetryEnv(collector),
        API_KEYS: AUDIT_KEY,
        AUDIT_READER_KEYS: AUDIT_READER_KEY,
      }),
    );
  });

  afterAll(async () => {
    await audit?.stop();
    await collector.stop();
  });

  it("joins the host's trace from InvocationContext.traceContext, through audit and both databases", async () => {
    const { traceId, traceparent } = knownTrace();
    const patient = samplePatient();
    const entry = join(
      ROOT,
      'dist',
      'apps',
      'patient-tests',
      'apps',
      'patient-tests',
      'src',
      'functions.js',
    );
    const env = {
      ...appEnv('patient-tests', {
        ...telemetryEnv(collector),
        API_KEYS: PATIENT_TESTS_KEY,
        AUDIT_API_URL: audit.url,
        AUDIT_API_KEY: AUDIT_KEY,
        LOG_LEVEL: 'warn',
      }),
      PATH: process.env.PATH ?? '',
      FUNCTIONS_INVOKE_KEY: PATIENT_TESTS_KEY,
      FUNCTIONS_INVOKE_TRACEPARENT: traceparent,
      FUNCTIONS_INVOKE_BODY: JSON.stringify(patient),
    };
    const output = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [
          '--require',
          join(ROOT, 'scripts', 'lib', 'functions-core-preload.cjs'),
          join(ROOT, 'scripts', 'lib', 'functions-invoke.cjs'),
          entry,
          'POST',
          '/api/patient',
        ],
        { cwd: ROOT, env },
        (error, stdout, stderr) =>
          error
            ? reject(new Error(`${error.message}\n${stderr}`))
            : resolve(stdout),
      ),
    );
    const result = JSON.parse(output.split('FUNCTIONS_INVOKE_RESULT ')[1]) as {
      status: number;
      body: string;
    };
    expect(result.status).toBe(201);

    expectOneOperation(
      await operation(collector, traceId),
      traceparent.split('-')[2],
    );

    const everything = collector.rawBodies.join('\n');
    for (const secret of [
      patient.lastName,
      patient.insuranceNumber,
      PATIENT_TESTS_KEY,
      AUDIT_KEY,
      ...databasePasswords(),
    ]) {
      expect(everything).not.toContain(secret);
    }
  });
});

describe('telemetry without a connection string', () => {
  it('loads no telemetry SDK and opens no connection beyond this machine', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'network-')), 'network.log');
    const recorder = join(__dirname, 'support', 'network-recorder.cjs');
    const audit = await startAppProcess(
      'audit',
      appEnv('audit', { API_KEYS: AUDIT_KEY, NETWORK_LOG: log }),
      ['--require', recorder],
    );
    try {
      const client = new HttpClient(audit.url, {
        'x-functions-key': AUDIT_KEY,
      });
      const response = await client.post('/auditrecord', {
        sourceSystemName: 'e2e',
        resource: { type: 'patient', operation: 'read' },
        patientIds: [],
        outcome: 200,
      });
      expect(response.status).toBe(201);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    } finally {
      await audit.stop();
    }
    const recorded = existsSync(log) ? readFileSync(log, 'utf8') : '';
    expect(recorded).toBe('');
  });
});
