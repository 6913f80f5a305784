import { randomUUID } from 'node:crypto';
import { MedplumClient } from '@medplum/core';
import type {
  Bundle,
  DiagnosticReport,
  Observation,
  Patient,
} from '@medplum/fhirtypes';
import { transactionBundle } from './support/fhir-samples';
import { expectValidFhir } from './support/fhir-validation';
import { PATIENT_TESTS_KEY, startStack } from './support/stack';

type Stack = Awaited<ReturnType<typeof startStack>>;

const INSURANCE = 'urn:patient-tests:insurance-number';

// An integrator's view: a general-purpose FHIR client (Medplum's, pointed at this server, with no
// Medplum login) drives create, conditional create, read, search and a transaction.
describe('the FHIR interface driven by a FHIR client library', () => {
  let stack: Stack;
  let client: MedplumClient;

  beforeAll(async () => {
    stack = await startStack();
    client = new MedplumClient({
      baseUrl: `${stack.patientTests.url}/`,
      fhirUrlPath: 'fhir',
      // No client-side cache: every call must reach the server (and its audit).
      cacheTime: 0,
      fetch: (url: string, options: RequestInit = {}) =>
        fetch(url, {
          ...options,
          headers: {
            ...(options.headers as Record<string, string>),
            'x-functions-key': PATIENT_TESTS_KEY,
          },
        }),
    });
  });

  afterAll(() => stack.close());

  const patient = (): Patient => ({
    resourceType: 'Patient',
    identifier: [{ system: INSURANCE, value: `INS-${randomUUID()}` }],
    name: [{ family: `Client${randomUUID().slice(0, 8)}`, given: ['Ada'] }],
    gender: 'female',
    birthDate: '1815-12-10',
    address: [{ postalCode: '2000' }],
  });

  it('creates, conditionally creates, reads and searches patients', async () => {
    const resource = patient();
    const created = await client.createResource(resource);
    expectValidFhir(created);

    const again = await client.createResourceIfNoneExist(
      resource,
      `identifier=${INSURANCE}|${resource.identifier![0].value}`,
    );
    expect(again.id).toBe(created.id);

    const read = await client.readResource('Patient', created.id);
    expect(read).toEqual(created);

    const found = await client.searchResources('Patient', {
      family: resource.name![0].family!,
    });
    expect(found.map((entry) => entry.id)).toEqual([created.id]);
    found.forEach(expectValidFhir);
  });

  it('creates a report with its observations in a transaction, then searches them', async () => {
    const created = await client.createResource(patient());
    const response: Bundle = await client.executeBatch(
      transactionBundle(created.id, [{ code: '718-7' }]) as Bundle,
    );
    expectValidFhir(response);

    const reports = await client.searchResources('DiagnosticReport', {
      patient: created.id,
    });
    expect(reports.map((report: DiagnosticReport) => report.id)).toEqual([
      response.entry![0].resource!.id,
    ]);
    const observations = await client.searchResources('Observation', {
      subject: `Patient/${created.id}`,
      code: '718-7',
    });
    expect(
      observations.map((observation: Observation) => observation.valueString),
    ).toEqual(['13.5 g/dL']);
  });
});
