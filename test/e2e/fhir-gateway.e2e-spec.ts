import { randomUUID } from 'node:crypto';
import { HttpClient, HttpResult } from '../support/http';
import { samplePatient, sampleTest } from '../support/samples';
import { transactionBundle } from './support/fhir-samples';
import { expectValidFhir } from './support/fhir-validation';
import { GatewayDouble } from './support/gateway-double';
import {
  PATIENT_TESTS_KEY,
  RunningApp,
  RunningAudit,
  startAudit,
  startPatientTests,
} from './support/stack';

// The PatientTests API as Azure serves it, FHIR and JSON: through API Management's PatientTests API,
// with exactly the operations terraform/ publishes (the imported JSON API and the FHIR operations of
// apim.tf) and the policy's deletions read from rotation/policies/patient-tests-api.xml, to the app on
// a real database, with PUBLIC_API_URL set as terraform/functions.tf sets it (the gateway's URL of the
// API), on which the app builds its Location headers and FHIR links.
const SUBSCRIPTION_KEY = 'e2e-patient-tests-subscription-key';
const GATEWAY_SECRET = 'e2e-gateway-secret-patient-tests';
const FHIR_JSON = { 'content-type': 'application/fhir+json' };

interface Bundle {
  resourceType: 'Bundle';
  link?: { relation: string; url: string }[];
  entry?: {
    fullUrl: string;
    resource: { resourceType: string; id: string };
    response?: { location: string };
  }[];
}

describe("FHIR and JSON through API Management's PatientTests API (Terraform's operations and policy), on a real database", () => {
  let audit: RunningAudit;
  let patientTests: RunningApp;
  let gateway: GatewayDouble;
  let apiUrl: string;
  let fhirBase: string;
  let fhir: HttpClient;
  let json: HttpClient;
  /** Follows an absolute URL the app gave out, through the gateway, with the subscription key. */
  let follow: (url: string) => Promise<HttpResult>;

  beforeAll(async () => {
    audit = await startAudit();
    // The audit backend of the double is not called here: only the PatientTests API is.
    gateway = new GatewayDouble(new URL(audit.url).origin, {
      subscriptionKey: 'e2e-auditors-subscription-key-unused',
      hostKey: 'e2e-audit-host-key-unused',
      gatewaySecret: GATEWAY_SECRET,
    });
    await gateway.start();
    apiUrl = gateway.patientTestsApiUrl();
    fhirBase = gateway.patientTestsFhirBaseUrl();
    patientTests = await startPatientTests(audit.url, {
      GATEWAY_SECRET,
      PUBLIC_API_URL: apiUrl,
    });
    gateway.publishPatientTests({
      origin: new URL(patientTests.url).origin,
      functionKey: PATIENT_TESTS_KEY,
      subscriptionKey: SUBSCRIPTION_KEY,
      gatewaySecret: GATEWAY_SECRET,
    });
    fhir = new HttpClient(fhirBase, {
      'ocp-apim-subscription-key': SUBSCRIPTION_KEY,
    });
    json = new HttpClient(apiUrl, {
      'ocp-apim-subscription-key': SUBSCRIPTION_KEY,
    });
    follow = (url) =>
      new HttpClient('', {
        'ocp-apim-subscription-key': SUBSCRIPTION_KEY,
      }).get(url);
  });

  afterAll(async () => {
    await gateway?.close();
    await patientTests?.close();
    await audit?.close();
  });

  /** The path under the FHIR base of an absolute URL the app gave out, failing if it is elsewhere. */
  const underBase = (url: string | null | undefined) => {
    expect(url?.startsWith(`${fhirBase}/`)).toBe(true);
    return url!.slice(fhirBase.length);
  };

  const expectFhir = (response: HttpResult, status: number) => {
    expect({
      status: response.status,
      type: response.headers.get('content-type'),
    }).toEqual({
      status,
      type: expect.stringMatching(/^application\/fhir\+json/),
    });
    expectValidFhir(response.body);
  };

  const patient = (family: string) => ({
    resourceType: 'Patient',
    identifier: [
      {
        system: 'urn:patient-tests:insurance-number',
        value: `INS-${randomUUID()}`,
      },
    ],
    name: [{ family, given: ['Grace'] }],
    gender: 'female',
    birthDate: '1906-12-09',
    address: [{ postalCode: '3000' }],
  });

  it("answers the CapabilityStatement at the gateway's FHIR URL, naming that URL", async () => {
    const response = await fhir.get('/metadata');
    expectFhir(response, 200);
    expect(response.body.implementation.url).toBe(fhirBase);
    // The app's own path reached the app: the backend is the host only, so /api must be in it.
    expect(gateway.forwarded.at(-1)?.path).toBe('/api/fhir/metadata');
  });

  it('creates a Patient whose Location is on the gateway, then reads and updates it there', async () => {
    const created = await fhir.post('/Patient', patient('Hopper'), {
      headers: FHIR_JSON,
    });
    expectFhir(created, 201);
    const { id } = created.body;
    expect(underBase(created.headers.get('location'))).toBe(
      `/Patient/${id}/_history/1`,
    );

    const read = await fhir.get(underBase(created.headers.get('location')));
    expectFhir(read, 200);
    expect(read.body).toEqual(created.body);

    const updated = await fhir.put(
      `/Patient/${id}`,
      { ...patient('Hopper'), id, name: [{ family: 'Hopper', given: ['G'] }] },
      { headers: { ...FHIR_JSON, 'if-match': 'W/"1"' } },
    );
    expectFhir(updated, 200);
    expect(updated.body.meta.versionId).toBe('2');
  });

  it('pages a search by next links that lead back through the gateway', async () => {
    const family = `Gw${randomUUID().replaceAll('-', '')}`;
    for (let i = 0; i < 3; i++) {
      expect(
        (
          await fhir.post('/Patient', patient(family), {
            headers: FHIR_JSON,
          })
        ).status,
      ).toBe(201);
    }
    const ids: string[] = [];
    let page = await fhir.get(`/Patient?family:exact=${family}&_count=2`);
    for (let pages = 0; ; pages++) {
      expectFhir(page, 200);
      const bundle = page.body as Bundle;
      underBase(bundle.link?.find((l) => l.relation === 'self')?.url);
      for (const entry of bundle.entry ?? []) {
        expect(underBase(entry.fullUrl)).toBe(`/Patient/${entry.resource.id}`);
        ids.push(entry.resource.id);
      }
      const next = bundle.link?.find((l) => l.relation === 'next');
      if (!next || pages > 3) {
        break;
      }
      page = await fhir.get(underBase(next.url));
    }
    expect(new Set(ids).size).toBe(3);
  });

  it('takes a transaction Bundle at the base URL, every location on the gateway and readable there', async () => {
    const created = await fhir.post('/Patient', patient('Transaction'), {
      headers: FHIR_JSON,
    });
    const bundle = transactionBundle(created.body.id, [{ code: '718-7' }]);
    const response = await fhir.post('', bundle, { headers: FHIR_JSON });
    expectFhir(response, 200);
    const entries = (response.body as Bundle).entry ?? [];
    expect(entries).toHaveLength(2);
    for (const entry of entries) {
      const { resourceType, id } = entry.resource;
      expect(underBase(entry.fullUrl)).toBe(`/${resourceType}/${id}`);
      expect(underBase(entry.response?.location)).toBe(
        `/${resourceType}/${id}/_history/1`,
      );
      expectFhir(await fhir.get(underBase(entry.fullUrl)), 200);
    }
    // `code` is Observation's search parameter, never taken for a key on the way.
    const search = await fhir.get(
      `/Observation?patient=${created.body.id}&code=718-7`,
      { headers: { prefer: 'handling=strict' } },
    );
    expectFhir(search, 200);
    expect((search.body as Bundle).entry).toHaveLength(1);
  });

  it("never forwards the caller's subscription key, sent as a header or in the query", async () => {
    const inHeader = await fhir.get('/Patient?_count=1', {
      headers: { prefer: 'handling=strict' },
    });
    expectFhir(inHeader, 200);
    const header = gateway.forwarded.at(-1)!;
    expect(header.headers).not.toHaveProperty('ocp-apim-subscription-key');
    expect(header.headers['x-apim-subscription-id']).toBe('patient-tests-e2e');

    // In the query, a strict search would name it as an unknown parameter (400) had it arrived.
    const inQuery = await new HttpClient(fhirBase).get(
      `/Patient?_count=1&subscription-key=${SUBSCRIPTION_KEY}`,
      { headers: { prefer: 'handling=strict' } },
    );
    expectFhir(inQuery, 200);
    const query = gateway.forwarded.at(-1)!;
    expect(query.search).toBe('?_count=1');
    expect(JSON.stringify(inQuery.body)).not.toContain(SUBSCRIPTION_KEY);
  });

  it('refuses a call without a subscription key at the gateway, forwarding nothing', async () => {
    const before = gateway.forwarded.length;
    const response = await new HttpClient(fhirBase).get('/metadata');
    expect(response.status).toBe(401);
    expect(gateway.forwarded).toHaveLength(before);
  });

  it('serves the JSON API beside it through the same gateway, on the same /api paths', async () => {
    const created = await fhir.post('/Patient', patient('Json'), {
      headers: FHIR_JSON,
    });
    const read = await json.get(`/patient/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body.lastName).toBe('Json');
  });

  it('creates a patient through the JSON API whose Location, followed through the gateway, answers it', async () => {
    const created = await json.post('/patient', samplePatient());
    expect(created.status).toBe(201);
    const location = created.headers.get('location');
    // Absolute on the gateway's URL of the API: a root-relative /api/... would leave the API's path.
    expect(location).toBe(`${apiUrl}/patient/${created.body.id}`);

    const read = await follow(location!);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    expect(gateway.forwarded.at(-1)?.path).toBe(
      `/api/patient/${created.body.id}`,
    );
  });

  it("creates a patient's test whose Location, followed through the gateway, answers it", async () => {
    const patient = await json.post('/patient', samplePatient());
    const created = await json.post(
      `/patient/${patient.body.id}/tests`,
      sampleTest(),
    );
    expect(created.status).toBe(201);
    const location = created.headers.get('location');
    expect(location).toBe(
      `${apiUrl}/patient/${patient.body.id}/tests/${created.body.id}`,
    );

    const read = await follow(location!);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });
});
