import { samplePatient } from '../support/samples';
import { PATIENT_TESTS_KEY, startStack } from './support/stack';

type Stack = Awaited<ReturnType<typeof startStack>>;

describe('who the audit register names as the caller', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(() => stack.close());

  async function createRecordOf(headers: Record<string, string>) {
    const created = await stack.patientTests.client.post(
      '/patient',
      samplePatient(),
      { headers },
    );
    expect(created.status).toBe(201);
    const records = await stack.audit.client.get(
      `/auditrecord?resourceId=${created.body.id}`,
    );
    return records.body[0] as { actor?: string; clientAddress?: string };
  }

  it("names a direct caller by its key's fingerprint, never by the key", async () => {
    const record = await createRecordOf({});
    expect(record.actor).toMatch(/^key:[0-9a-f]{8}$/);
    expect(JSON.stringify(record)).not.toContain(PATIENT_TESTS_KEY);
  });

  it('names the API Management subscription and the client address it forwards', async () => {
    const record = await createRecordOf({
      'x-apim-subscription-id': 'subscription-42',
      'x-forwarded-for': '198.51.100.23, 10.1.0.5',
    });
    expect(record).toMatchObject({
      actor: 'subscription:subscription-42',
      clientAddress: '198.51.100.23',
    });
  });

  it('answers a path segment longer than the router allows with 404 problem+json, without echoing it', async () => {
    const response = await stack.patientTests.client.get(
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
