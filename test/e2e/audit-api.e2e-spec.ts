import { knownTrace } from '../support/http';
import {
  AUDIT_KEY,
  AUDIT_READER_KEY,
  RunningAudit,
  startAudit,
} from './support/stack';

const GATEWAY_SECRET = 'e2e-gateway-secret-000001';

const record = (overrides: Record<string, unknown> = {}) => ({
  sourceSystemName: 'e2e-suite',
  resource: {
    type: 'patient',
    id: `res-${Math.random().toString(36).slice(2, 10)}`,
    operation: 'read',
  },
  patientIds: [`patient-${Math.random().toString(36).slice(2, 10)}`],
  outcome: 200,
  ...overrides,
});

describe('the audit API on a real database', () => {
  let audit: RunningAudit;

  beforeAll(async () => {
    audit = await startAudit({ GATEWAY_SECRET });
  });

  afterAll(() => audit.close());

  it('stores a record with a server id and time, and the trace id of traceparent as correlationId', async () => {
    const { traceId, traceparent } = knownTrace();
    const body = record();
    const response = await audit.appender.post('/auditrecord', body, {
      headers: { traceparent },
    });

    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      ...body,
      id: expect.any(String),
      createdDate: expect.any(String),
      correlationId: traceId,
      actor: expect.stringMatching(/^key:[0-9a-f]{8}$/),
      clientAddress: '127.0.0.1',
      sequence: expect.any(Number),
      previousHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(response.headers.get('x-correlation-id')).toBe(traceId);
  });

  const GATEWAY_HEADERS = {
    'x-apim-subscription-id': 'auditors',
    'x-forwarded-for': '203.0.113.7, 10.0.0.4',
  };

  it("trusts the gateway's subscription and first X-Forwarded-For hop only with the gateway secret", async () => {
    const response = await audit.appender.post('/auditrecord', record(), {
      headers: { ...GATEWAY_HEADERS, 'x-gateway-secret': GATEWAY_SECRET },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      actor: 'subscription:auditors',
      clientAddress: '203.0.113.7',
    });
    expect(response.body).not.toHaveProperty('unverified');
  });

  it.each([
    ['without the gateway secret', {}],
    ['with a wrong gateway secret', { 'x-gateway-secret': 'not-the-secret' }],
  ])(
    'records the same headers as unverified %s, naming the key and the peer instead',
    async (_case, secretHeader) => {
      const response = await audit.appender.post('/auditrecord', record(), {
        headers: { ...GATEWAY_HEADERS, ...secretHeader },
      });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        actor: expect.stringMatching(/^key:[0-9a-f]{8}$/),
        clientAddress: '127.0.0.1',
        unverified: {
          actor: 'subscription:auditors',
          clientAddress: '203.0.113.7',
        },
      });
    },
  );

  it("records a body's actor as asserted on behalf of the authenticated caller, never in its place", async () => {
    const response = await audit.appender.post(
      '/auditrecord',
      record({
        actor: 'subscription:abc',
        clientAddress: '198.51.100.1',
        unverified: { actor: 'subscription:claimed' },
      }),
    );
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      actor: expect.stringMatching(/^key:[0-9a-f]{8}$/),
      onBehalfOf: {
        actor: 'subscription:abc',
        clientAddress: '198.51.100.1',
        unverified: { actor: 'subscription:claimed' },
      },
    });
  });

  it('lists every record naming a patient with ?patientId=, newest first and paged, and verifies the chain over them', async () => {
    const patientId = `patient-${Date.now()}`;
    const other = `patient-other-${Date.now()}`;
    const created: string[] = [];
    for (const patientIds of [
      [patientId],
      [other],
      [other, patientId],
      [patientId],
    ]) {
      const response = await audit.appender.post(
        '/auditrecord',
        record({ patientIds }),
      );
      expect(response.status).toBe(201);
      if (patientIds.includes(patientId)) {
        created.push(response.body.id);
      }
    }
    const seen: string[] = [];
    let token: string | null = null;
    do {
      const query: string = token
        ? `&continuationToken=${encodeURIComponent(token)}`
        : '';
      const page = await audit.client.get(
        `/auditrecord?patientId=${patientId}&limit=2${query}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.map((r: { id: string }) => r.id));
      token = page.headers.get('x-continuation-token');
    } while (token);
    expect(seen).toEqual([...created].reverse());
    expect((await audit.client.get('/auditrecord/verify')).body).toMatchObject({
      valid: true,
    });
  });

  describe('roles', () => {
    it.each([
      '/auditrecord',
      '/auditrecord?patientId=p-1',
      '/auditrecord/verify',
    ])('answers 403 to the append key for GET %s', async (path) => {
      const response = await audit.appender.get(path);
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('FORBIDDEN');
    });

    it('answers 403 to the reader key on append, and stores nothing', async () => {
      const body = record();
      const response = await audit.client.post('/auditrecord', body);
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('FORBIDDEN');
      const stored = await audit.client.get(
        `/auditrecord?resourceId=${body.resource.id}`,
      );
      expect(stored.body).toEqual([]);
    });

    it('refuses to start with one key in both roles', async () => {
      await expect(
        startAudit({ API_KEYS: AUDIT_KEY, AUDIT_READER_KEYS: AUDIT_KEY }),
      ).rejects.toThrow(/AUDIT_READER_KEYS/);
      expect(AUDIT_READER_KEY).not.toBe(AUDIT_KEY);
    });
  });

  it('generates a 32-hex correlation id when no traceparent is sent', async () => {
    const response = await audit.appender.post('/auditrecord', record());
    expect(response.body.correlationId).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each([
    ['a server-assigned id', { id: '6f1c8a0e-5d2b-4c7a-9b1e-2a3d4c5e6f70' }],
    ['a server-assigned createdDate', { createdDate: '2020-01-01T00:00:00Z' }],
    ['a correlationId in the body', { correlationId: 'a'.repeat(32) }],
    ['no resource', { resource: undefined }],
    ['a resource without operation', { resource: { type: 'patient' } }],
    ['an object where a string is expected', { sourceSystemName: { $gt: '' } }],
    ['no patientIds', { patientIds: undefined }],
    ['no outcome', { outcome: undefined }],
  ])('answers 400 for %s', async (_case, overrides) => {
    const response = await audit.appender.post(
      '/auditrecord',
      record(overrides),
    );
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
  });

  it('filters by resource, by correlation id and by time, newest first', async () => {
    const resourceId = `res-${Date.now()}`;
    const first = await audit.appender.post(
      '/auditrecord',
      record({
        resource: { type: 'test', id: resourceId, operation: 'create' },
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await audit.appender.post(
      '/auditrecord',
      record({ resource: { type: 'test', id: resourceId, operation: 'read' } }),
    );

    const byResource = await audit.client.get(
      `/auditrecord?resourceType=test&resourceId=${resourceId}`,
    );
    expect(byResource.body.map((r: { id: string }) => r.id)).toEqual([
      second.body.id,
      first.body.id,
    ]);

    const byCorrelation = await audit.client.get(
      `/auditrecord?correlationId=${first.body.correlationId}`,
    );
    expect(byCorrelation.body).toEqual([first.body]);

    const since = encodeURIComponent(second.body.createdDate);
    const bySince = await audit.client.get(
      `/auditrecord?resourceId=${resourceId}&from=${since}`,
    );
    expect(bySince.body).toEqual([second.body]);
  });

  it('filters by actor: the verified caller or the client it acted for', async () => {
    const client = `subscription:ward-${Date.now()}`;
    const mine = await audit.appender.post(
      '/auditrecord',
      record({ actor: client }),
    );
    expect(mine.status).toBe(201);

    const byClient = await audit.client.get(
      `/auditrecord?actor=${encodeURIComponent(client)}`,
    );
    expect(byClient.body).toEqual([mine.body]);
    // The appending key's fingerprint is the verified caller of this record and of others.
    const byCaller = await audit.client.get(
      `/auditrecord?actor=${encodeURIComponent(mine.body.actor)}&limit=200`,
    );
    expect(byCaller.body[0]).toEqual(mine.body);
    expect(
      byCaller.body.every(
        (found: { actor: string }) => found.actor === mine.body.actor,
      ),
    ).toBe(true);
    const byOther = await audit.client.get(
      `/auditrecord?actor=${encodeURIComponent(`${client}-other`)}`,
    );
    expect(byOther.body).toEqual([]);
  });

  it('pages newest first with a continuation token, without repeats', async () => {
    const resourceId = `paged-${Date.now()}`;
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      created.push(
        (
          await audit.appender.post(
            '/auditrecord',
            record({
              resource: { type: 'patient', id: resourceId, operation: 'read' },
            }),
          )
        ).body.id,
      );
    }
    const seen: string[] = [];
    let token: string | null = null;
    do {
      const query: string = token
        ? `&continuationToken=${encodeURIComponent(token)}`
        : '';
      const page = await audit.client.get(
        `/auditrecord?resourceId=${resourceId}&limit=2${query}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.map((r: { id: string }) => r.id));
      token = page.headers.get('x-continuation-token');
    } while (token);
    expect(seen).toEqual([...created].reverse());
  });

  it('answers 400 for unknown query parameters and bad paging', async () => {
    expect((await audit.client.get('/auditrecord?colour=blue')).status).toBe(
      400,
    );
    expect((await audit.client.get('/auditrecord?limit=0')).status).toBe(400);
    expect((await audit.client.get('/auditrecord?from=yesterday')).status).toBe(
      400,
    );
  });

  it('answers 401 without a key', async () => {
    expect(
      (await audit.client.withoutHeader('x-functions-key').get('/auditrecord'))
        .status,
    ).toBe(401);
    expect(
      (
        await audit.appender
          .withoutHeader('x-functions-key')
          .post('/auditrecord', record())
      ).status,
    ).toBe(401);
  });
});
