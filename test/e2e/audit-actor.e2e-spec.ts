import { samplePatient } from '../support/samples';
import {
  AUDIT_KEY,
  PATIENT_TESTS_KEY,
  RunningApp,
  RunningAudit,
  startAudit,
  startPatientTests,
} from './support/stack';

const GATEWAY_SECRET = 'e2e-gateway-secret-patient-tests';

interface CallerFields {
  actor?: string;
  clientAddress?: string;
  unverified?: { actor?: string; clientAddress?: string };
}
type StoredCaller = CallerFields & { onBehalfOf?: CallerFields };

describe('who the audit register names as the caller', () => {
  let audit: RunningAudit;
  let patientTests: RunningApp;

  beforeAll(async () => {
    audit = await startAudit();
    // patient-tests behind API Management: the gateway adds GATEWAY_SECRET to what it forwards.
    patientTests = await startPatientTests(audit.url, { GATEWAY_SECRET });
  });

  afterAll(async () => {
    await patientTests.close();
    await audit.close();
  });

  /** The records of one create (attempt and outcome): both name the caller alike. */
  async function recordsOfCreate(headers: Record<string, string>) {
    const created = await patientTests.client.post(
      '/patient',
      samplePatient(),
      { headers },
    );
    expect(created.status).toBe(201);
    const records = await audit.client.get(
      `/auditrecord?resourceId=${created.body.id}`,
    );
    expect(records.body).toHaveLength(2);
    expect(records.body[0].onBehalfOf).toEqual(records.body[1].onBehalfOf);
    return records.body[0] as StoredCaller;
  }

  const GATEWAY_HEADERS = {
    'x-apim-subscription-id': 'subscription-42',
    'x-forwarded-for': '198.51.100.23, 10.1.0.5',
  };

  it("names a direct caller by its key's fingerprint, never by the key, as asserted by patient-tests", async () => {
    const record = await recordsOfCreate({});
    expect(record.onBehalfOf?.actor).toMatch(/^key:[0-9a-f]{8}$/);
    expect(record.onBehalfOf).not.toHaveProperty('unverified');
    // The audit API's own caller is patient-tests itself, by its audit key.
    expect(record.actor).toMatch(/^key:[0-9a-f]{8}$/);
    expect(record.actor).not.toBe(record.onBehalfOf?.actor);
    expect(JSON.stringify(record)).not.toContain(PATIENT_TESTS_KEY);
    expect(JSON.stringify(record)).not.toContain(AUDIT_KEY);
  });

  it('names the API Management subscription and the client address it forwards when the gateway secret proves them', async () => {
    const record = await recordsOfCreate({
      ...GATEWAY_HEADERS,
      'x-gateway-secret': GATEWAY_SECRET,
    });
    expect(record.onBehalfOf).toEqual({
      actor: 'subscription:subscription-42',
      clientAddress: '198.51.100.23',
    });
  });

  it.each([
    ['without the gateway secret', {}],
    ['with a wrong gateway secret', { 'x-gateway-secret': 'guessed-secret' }],
  ])(
    'records the same headers as unverified %s, naming the key and the peer instead',
    async (_case, secret) => {
      const record = await recordsOfCreate({ ...GATEWAY_HEADERS, ...secret });
      expect(record.onBehalfOf).toEqual({
        actor: expect.stringMatching(/^key:[0-9a-f]{8}$/),
        clientAddress: '127.0.0.1',
        unverified: {
          actor: 'subscription:subscription-42',
          clientAddress: '198.51.100.23',
        },
      });
    },
  );

  it('answers a path segment longer than the router allows with 404 problem+json, without echoing it', async () => {
    const response = await patientTests.client.get(
      `/patient/${'a'.repeat(300)}`,
    );
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain(
      'application/problem+json',
    );
    expect(response.headers.get('x-correlation-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(response.body)).not.toContain('a'.repeat(300));
  });
});
