// What the telemetry tests assert about Application Insights envelopes, shared by the telemetry suite
// and the package suite (which checks that instrumentation survives bundling and the start-up cache).
import { Envelope, TelemetryCollector } from './telemetry-collector';

export const isRequest = (e: Envelope) => e.data.baseType === 'RequestData';
const isDependency = (e: Envelope) =>
  e.data.baseType === 'RemoteDependencyData';
const role = (e: Envelope) => e.tags['ai.cloud.role'];
export const operationId = (e: Envelope) => e.tags['ai.operation.id'];
const parentId = (e: Envelope) => e.tags['ai.operation.parentId'];
const id = (e: Envelope) => e.data.baseData.id as string;
const dependencyType = (e: Envelope) =>
  String(e.data.baseData.type ?? '').toLowerCase();

/** What every app under test gets: telemetry to the local collector, and nothing that leaves the machine. */
export function telemetryEnv(
  collector: TelemetryCollector,
): Record<string, string> {
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
export async function operation(
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

/**
 * The chain asserted for one trace: patient-tests' request -> its audit calls (a write makes two: its
 * attempt and its outcome) -> audit's requests, plus database calls.
 */
export function expectOneOperation(
  envelopes: Envelope[],
  incomingSpanId: string,
) {
  const ptRequest = envelopes.find(
    (e) => isRequest(e) && role(e) === 'patient-tests',
  )!;
  const auditRequests = envelopes.filter(
    (e) => isRequest(e) && role(e) === 'audit',
  );
  const auditCalls = envelopes.filter(
    (e) =>
      isDependency(e) &&
      role(e) === 'patient-tests' &&
      dependencyType(e).includes('http'),
  );
  expect(parentId(ptRequest)).toBe(incomingSpanId);
  expect(auditCalls.length).toBeGreaterThan(0);
  expect(auditRequests.length).toBeGreaterThan(0);
  for (const auditCall of auditCalls) {
    expect(parentId(auditCall)).toBe(id(ptRequest));
  }
  for (const auditRequest of auditRequests) {
    expect(auditCalls.map(id)).toContain(parentId(auditRequest));
  }
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
  expect(
    auditRequests.some((request) =>
      databaseParents('audit').includes(id(request)),
    ),
  ).toBe(true);
}
