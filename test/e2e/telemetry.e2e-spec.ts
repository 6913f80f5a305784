import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpClient, knownTrace } from '../support/http';
import { samplePatient } from '../support/samples';
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

describe('distributed telemetry through Application Insights', () => {
  const collector = new TelemetryCollector();
  let audit: AppProcess;
  let patientTests: AppProcess;

  beforeAll(async () => {
    await collector.start();
    const telemetryEnv = {
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
    audit = await startAppProcess(
      'audit',
      appEnv('audit', { ...telemetryEnv, API_KEYS: AUDIT_KEY }),
    );
    patientTests = await startAppProcess(
      'patient-tests',
      appEnv('patient-tests', {
        ...telemetryEnv,
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
    const incomingSpanId = traceparent.split('-')[2];
    const patient = samplePatient();
    const client = new HttpClient(patientTests.url, {
      'x-functions-key': PATIENT_TESTS_KEY,
    });

    const created = await client.post('/patient', patient, {
      headers: { traceparent },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('x-correlation-id')).toBe(traceId);

    const ofTrace = (envelopes: Envelope[]) =>
      envelopes.filter((e) => operationId(e) === traceId);
    const envelopes = ofTrace(
      await collector.waitFor((all) => {
        const traced = ofTrace(all);
        return (
          traced.some((e) => isRequest(e) && role(e) === 'patient-tests') &&
          traced.some((e) => isRequest(e) && role(e) === 'audit') &&
          traced.some(
            (e) =>
              isDependency(e) &&
              role(e) === 'patient-tests' &&
              dependencyType(e).includes('mongo'),
          ) &&
          traced.some(
            (e) =>
              isDependency(e) &&
              role(e) === 'audit' &&
              dependencyType(e).includes('mongo'),
          )
        );
      }),
    );

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
    const ptDatabase = envelopes.filter(
      (e) =>
        isDependency(e) &&
        role(e) === 'patient-tests' &&
        dependencyType(e).includes('mongo'),
    );
    const auditDatabase = envelopes.filter(
      (e) =>
        isDependency(e) &&
        role(e) === 'audit' &&
        dependencyType(e).includes('mongo'),
    );

    expect(parentId(ptRequest)).toBe(incomingSpanId);
    expect(auditCall).toBeDefined();
    expect(parentId(auditCall)).toBe(id(ptRequest));
    expect(parentId(auditRequest)).toBe(id(auditCall));
    expect(ptDatabase.map(parentId)).toContain(id(ptRequest));
    expect(auditDatabase.map(parentId)).toContain(id(auditRequest));

    const records = await new HttpClient(audit.url, {
      'x-functions-key': AUDIT_KEY,
    }).get(`/auditrecord?correlationId=${traceId}`);
    expect(records.body).toEqual([
      expect.objectContaining({ correlationId: traceId }),
    ]);

    const everything = collector.rawBodies.join('\n');
    for (const secret of [
      patient.firstName,
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
