import {
  AUDIT_KEY,
  AUDIT_READER_KEY,
  RunningAudit,
  startAudit,
} from './support/stack';

// The auditors' path in Azure (terraform/README.md, "The auditors' path"): API Management passes the
// Functions host with a host key of its own, which is in neither of audit's key lists, proves itself
// with the gateway secret, and forwards the auditor's own key in x-forwarded-functions-key.
const GATEWAY_SECRET = 'e2e-gateway-secret-auditors-01';
const GATEWAY_HOST_KEY = 'e2e-gateway-host-key-in-no-list';
// What auditors call: the gateway's URL, under the auditors' API path (terraform/functions.tf).
const PUBLIC_API_URL = 'https://apim-e2e.azure-api.net/audit/api';
const FHIR_BASE_URL = `${PUBLIC_API_URL}/fhir`;

const record = () => ({
  sourceSystemName: 'e2e-suite',
  resource: { type: 'patient', id: 'res-gateway', operation: 'read' },
  patientIds: ['patient-gateway'],
  outcome: 200,
});

describe("the auditors' path through API Management, on a real database", () => {
  let audit: RunningAudit;

  beforeAll(async () => {
    audit = await startAudit({ GATEWAY_SECRET, PUBLIC_API_URL });
    expect((await audit.appender.post('/auditrecord', record())).status).toBe(
      201,
    );
  });

  afterAll(() => audit.close());

  /** A request as the gateway sends it: its own host key, its secret, and the caller's key forwarded. */
  const throughGateway = (forwarded: Record<string, string>) =>
    audit.client.with({
      'x-functions-key': GATEWAY_HOST_KEY,
      'x-gateway-secret': GATEWAY_SECRET,
      ...forwarded,
    });

  it.each([
    '/auditrecord?limit=1',
    '/auditrecord/verify',
    '/auditrecord/export?limit=1',
    '/fhir/AuditEvent?_count=1',
  ])("reads %s with the auditor's forwarded reader key", async (path) => {
    const response = await throughGateway({
      'x-forwarded-functions-key': AUDIT_READER_KEY,
    }).get(path);
    expect(response.status).toBe(200);
  });

  it("never lets patient-tests' append key read the register, forwarded or not (403)", async () => {
    const forwarded = await throughGateway({
      'x-forwarded-functions-key': AUDIT_KEY,
    }).get('/auditrecord?limit=1');
    expect(forwarded.status).toBe(403);
    expect(forwarded.body.code).toBe('FORBIDDEN');
  });

  it('never lets a forwarded reader key append (403), and nothing is written', async () => {
    const before = await audit.client.get('/auditrecord/verify');
    const response = await throughGateway({
      'x-forwarded-functions-key': AUDIT_READER_KEY,
    }).post('/auditrecord', record());
    expect(response.status).toBe(403);
    const after = await audit.client.get('/auditrecord/verify');
    expect(after.body.head).toEqual(before.body.head);
  });

  it("refuses the gateway's host key alone: it opens the host, not the register (401)", async () => {
    const response = await throughGateway({}).get('/auditrecord?limit=1');
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('UNAUTHORIZED');
  });

  it.each([
    ['without the gateway secret', {}],
    ['with a wrong gateway secret', { 'x-gateway-secret': 'guessed-secret' }],
  ])(
    'ignores a forwarded key %s, so only the gateway can move the key the app checks (401)',
    async (_case, secret) => {
      const response = await audit.client
        .with({
          'x-functions-key': GATEWAY_HOST_KEY,
          'x-forwarded-functions-key': AUDIT_READER_KEY,
          ...secret,
        })
        .get('/auditrecord?limit=1');
      expect(response.status).toBe(401);
    },
  );

  it('keeps the direct path as it was: the reader key in x-functions-key reads, the append key appends', async () => {
    expect((await audit.client.get('/auditrecord?limit=1')).status).toBe(200);
    expect((await audit.appender.post('/auditrecord', record())).status).toBe(
      201,
    );
  });

  it("links AuditEvents under the gateway's URL (PUBLIC_API_URL), which no request header carries", async () => {
    const bundle = await throughGateway({
      'x-forwarded-functions-key': AUDIT_READER_KEY,
    }).get('/fhir/AuditEvent?_count=1');
    expect(bundle.status).toBe(200);
    expect(bundle.body.link[0].url).toMatch(
      new RegExp(`^${FHIR_BASE_URL}/AuditEvent\\?`),
    );
    expect(bundle.body.entry[0].fullUrl).toMatch(
      new RegExp(`^${FHIR_BASE_URL}/AuditEvent/[^/]+$`),
    );
    const metadata = await audit.client.get('/fhir/metadata');
    expect(metadata.body.implementation.url).toBe(FHIR_BASE_URL);
  });
});
