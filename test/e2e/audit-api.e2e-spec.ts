import { knownTrace } from '../support/http';
import { RunningApp, startAudit } from './support/stack';

const record = (overrides: Record<string, unknown> = {}) => ({
  sourceSystemName: 'e2e-suite',
  resource: {
    type: 'patient',
    id: `res-${Math.random().toString(36).slice(2, 10)}`,
    operation: 'read',
  },
  ...overrides,
});

describe('the audit API on a real database', () => {
  let audit: RunningApp;

  beforeAll(async () => {
    audit = await startAudit();
  });

  afterAll(() => audit.close());

  it('stores a record with a server id and time, and the trace id of traceparent as correlationId', async () => {
    const { traceId, traceparent } = knownTrace();
    const body = record();
    const response = await audit.client.post('/auditrecord', body, {
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

  it('records the first X-Forwarded-For hop as the client address and a forwarded actor as is', async () => {
    const response = await audit.client.post(
      '/auditrecord',
      record({ actor: 'subscription:abc' }),
      {
        headers: { 'x-forwarded-for': '203.0.113.7, 10.0.0.4' },
      },
    );
    expect(response.body).toMatchObject({
      actor: 'subscription:abc',
      clientAddress: '203.0.113.7',
    });
  });

  it('generates a 32-hex correlation id when no traceparent is sent', async () => {
    const response = await audit.client.post('/auditrecord', record());
    expect(response.body.correlationId).toMatch(/^[0-9a-f]{32}$/);
  });

  it.each([
    ['a server-assigned id', { id: '6f1c8a0e-5d2b-4c7a-9b1e-2a3d4c5e6f70' }],
    ['a server-assigned createdDate', { createdDate: '2020-01-01T00:00:00Z' }],
    ['a correlationId in the body', { correlationId: 'a'.repeat(32) }],
    ['no resource', { resource: undefined }],
    ['a resource without operation', { resource: { type: 'patient' } }],
    ['an object where a string is expected', { sourceSystemName: { $gt: '' } }],
  ])('answers 400 for %s', async (_case, overrides) => {
    const response = await audit.client.post('/auditrecord', record(overrides));
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
  });

  it('filters by resource, by correlation id and by time, newest first', async () => {
    const resourceId = `res-${Date.now()}`;
    const first = await audit.client.post(
      '/auditrecord',
      record({
        resource: { type: 'test', id: resourceId, operation: 'create' },
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await audit.client.post(
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

  it('pages newest first with a continuation token, without repeats', async () => {
    const resourceId = `paged-${Date.now()}`;
    const created: string[] = [];
    for (let i = 0; i < 5; i++) {
      created.push(
        (
          await audit.client.post(
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
  });
});
