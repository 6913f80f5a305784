import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpClient, knownTrace } from '../support/http';
import { samplePatient } from '../support/samples';
import { ROOT } from '../../scripts/lib/processes.cjs';
import { AppProcess, startAppProcess } from './support/app-process';
import { AUDIT_KEY, PATIENT_TESTS_KEY, uniqueDatabase } from './support/stack';
import { Envelope, TelemetryCollector } from './support/telemetry-collector';

const isRequest = (e: Envelope) => e.data.baseType === 'RequestData';
const isDependency = (e: Envelope) =>
  e.data.baseType === 'RemoteDependencyData';
const role = (e: Envelope) => e.tags['ai.cloud.role'];
const operationId = (e: Envelope) => e.tags['ai.operation.id'];
const parentId = (e: Envelope) => e.tags['ai.operation.parentId'];
const id = (e: Envelope) => e.data.baseData.id as string;
const dependencyType = (e: Envelope) =>
  String(e.data.baseData.type ?? '').toLowerCase();

function appEnv(
  name: string,
  extra: Record<string, string>,
): Record<string, string> {
  return {
    MONGODB_URI: process.env.E2E_MONGODB_URI!,
    MONGODB_DATABASE: uniqueDatabase(`e2e-telemetry-${name}`),
    ...extra,
  };
}

/** What every app under test gets: telemetry to the local collector, and nothing that leaves the machine. */
function telemetryEnv(collector: TelemetryCollector): Record<string, string> {
  return {
    APPLICATIONINSIGHTS_CONNECTION_STRING: collector.connectionString,
    NODE_EXTRA_CA_CERTS: collector.caFile,
    OTEL_TRACES_SAMPLER: 'always_on',
    OTEL_BSP_SCHEDULE_DELAY: '200',
    // Looks like App Service to the SDK, so it never probes the cloud metadata address.
    WEBSITE_SITE_NAME: 'e2e',
    // The SDK's own usage statistics would go to Microsoft's endpoints, which tests must not contact.
    APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true',
    APPLICATIONINSIGHTS_SDKSTATS_DISABLED: 'true',
  };
}

/** Waits for, and returns, the envelopes of `traceId` once both apps' requests and database calls arrived. */
async function operation(
  collector: TelemetryCollector,
  traceId: string,
): Promise<Envelope[]> {
  const ofTrace = (all: Envelope[]) =>
    all.filter((e) => operationId(e) === traceId);
  return ofTrace(
    await collector.waitFor((all) => {
      const traced = ofTrace(all);
      return ['patient-tests', 'audit'].every(
        (app) =>
          traced.some((e) => isRequest(e) && role(e) === app) &&
          traced.some(
            (e) =>
              isDependency(e) &&
              role(e) === app &&
              dependencyType(e).includes('mongo'),
          ),
      );
    }),
  );
}

describe('distributed telemetry through Application Insights', () => {
  const collector = new TelemetryCollector();
  let audit: AppProcess;
  let patientTests: AppProcess;

  beforeAll(async () => {
    await collector.start();
    audit = await startAppProcess(
      'audit',
      appEnv('audit', { ...telemetryEnv(collector), API_KEYS: AUDIT_KEY }),
    );
    patientTests = await startAppProcess(
      'patient-tests',
      appEnv('patient-tests', {
        ...telemetryEnv(collector),
        API_KEYS: PATIENT_TESTS_KEY,
        AUDIT_API_URL: audit.url,
        AUDIT_API_KEY: AUDIT_KEY,
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
      'x-functions-key': AUDIT_KEY,
    }).get(`/auditrecord?correlationId=${traceId}`);
    expect(records.body).toEqual([
      expect.objectContaining({ correlationId: traceId }),
    ]);

    const everything = collector.rawBodies.join('\n');
    for (const secret of [
      patient.lastName,
      patient.insuranceNumber,
      PATIENT_TESTS_KEY,
      AUDIT_KEY,
    ]) {
      expect(everything).not.toContain(secret);
    }
  });

  it('keeps keys sent as ?code= out of request telemetry', async () => {
    const { traceId, traceparent } = knownTrace();
    const client = new HttpClient(patientTests.url);
    const response = await client.post(
      `/patient/search?code=${PATIENT_TESTS_KEY}`,
      {},
      { headers: { traceparent } },
    );
    expect(response.status).toBe(200);

    await collector.waitFor((all) =>
      all.some((e) => isRequest(e) && operationId(e) === traceId),
    );
    expect(collector.rawBodies.join('\n')).not.toContain(PATIENT_TESTS_KEY);
  });
});

/** The chain asserted for one trace: patient-tests' request -> its audit call -> audit's request, plus database calls. */
function expectOneOperation(envelopes: Envelope[], incomingSpanId: string) {
  const ptRequest = envelopes.find(
    (e) => isRequest(e) && role(e) === 'patient-tests',
  )!;
  const auditRequest = envelopes.find(
    (e) => isRequest(e) && role(e) === 'audit',
  )!;
  const auditCall = envelopes.find(
    (e) =>
      isDependency(e) &&
      role(e) === 'patient-tests' &&
      dependencyType(e).includes('http'),
  )!;
  expect(parentId(ptRequest)).toBe(incomingSpanId);
  expect(parentId(auditCall)).toBe(id(ptRequest));
  expect(parentId(auditRequest)).toBe(id(auditCall));
  const databaseParents = (app: string) =>
    envelopes
      .filter(
        (e) =>
          isDependency(e) &&
          role(e) === app &&
          dependencyType(e).includes('mongo'),
      )
      .map(parentId);
  expect(databaseParents('patient-tests')).toContain(id(ptRequest));
  expect(databaseParents('audit')).toContain(id(auditRequest));
}

describe('distributed telemetry through the Azure Functions handler', () => {
  const collector = new TelemetryCollector();
  let audit: AppProcess;

  beforeAll(async () => {
    await collector.start();
    audit = await startAppProcess(
      'audit',
      appEnv('audit', { ...telemetryEnv(collector), API_KEYS: AUDIT_KEY }),
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
