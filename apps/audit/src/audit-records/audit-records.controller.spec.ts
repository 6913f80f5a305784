import { BadRequestError } from '@app/shared/errors';
import { Page, StaticApiKeys } from '@app/shared/http';
import { Replayed } from '@app/shared/idempotency';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  createControllerApp,
  expectProblem,
  InjectedRequest,
  send as sendWithKey,
  strictProviderMock,
  TEST_API_KEY,
  validationPaths,
} from '@test/controller-app';
import { AuditRoleKeys } from '../access/audit-role';
import { AuditRoleGuard } from '../access/audit-role.guard';
import { AppendOptions, DEFAULT_BUDGET_MS } from './append-options.decorator';
import type { AuditRecord } from './audit-record.dto';
import { AuditRecordsController } from './audit-records.controller';
import { AuditRecordsService } from './audit-records.service';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
const RECORD_ID = 'c3a1e2d4-5b6f-4a7b-8c9d-0e1f2a3b4c5d';
/** Keys of one role each (a key in both would be refused for both); TEST_API_KEY may append. */
const APPEND_KEY = 'unit-append-key-0123456789';
const READER_KEY = 'unit-reader-key-0123456789';

/** Sends with the key of the role the route needs (GET reads, POST appends) unless a case picks its own. */
const send = (app: NestFastifyApplication, request: InjectedRequest) =>
  sendWithKey(app, {
    key: request.method === 'GET' ? READER_KEY : TEST_API_KEY,
    ...request,
  });

const auditBody = (overrides: Record<string, unknown> = {}) => ({
  sourceSystemName: 'patient-tests',
  resource: {
    type: 'patient',
    id: '0b6f1a52-4c1e-4a8e-9d3b-1f2a3b4c5d6e',
    operation: 'read',
  },
  patientIds: ['0b6f1a52-4c1e-4a8e-9d3b-1f2a3b4c5d6e'],
  outcome: 200,
  ...overrides,
});

const resource = (overrides: Record<string, unknown>) => ({
  ...auditBody().resource,
  ...overrides,
});

const storedRecord = (correlationId = TRACE_ID): AuditRecord => ({
  ...auditBody(),
  id: RECORD_ID,
  createdDate: '2026-03-01T10:00:00.000Z',
  correlationId,
  sequence: 1,
  previousHash: '0'.repeat(64),
  hash: 'a'.repeat(64),
});

describe('AuditRecordsController (one controller, global pipeline)', () => {
  let app: NestFastifyApplication | undefined;

  async function boot(
    stubs: Parameters<typeof strictProviderMock<AuditRecordsService>>[0] = {},
  ) {
    const service = strictProviderMock<AuditRecordsService>(stubs);
    app = await createControllerApp(
      AuditRecordsController,
      [
        { provide: AuditRecordsService, useValue: service },
        {
          provide: AuditRoleKeys,
          useValue: new AuditRoleKeys({
            append: new StaticApiKeys([TEST_API_KEY, APPEND_KEY]),
            reader: new StaticApiKeys([READER_KEY]),
          }),
        },
        AuditRoleGuard,
      ],
      { apiKeys: [TEST_API_KEY, APPEND_KEY, READER_KEY] },
    );
    return { app, service };
  }

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  const createEchoing = () =>
    jest.fn((body: object, correlationId: string) =>
      Promise.resolve({ ...storedRecord(correlationId), ...body }),
    );

  describe('POST /api/auditrecord', () => {
    it('answers 201 with the stored record, created under the trace id of the traceparent header', async () => {
      const { app, service } = await boot({ create: createEchoing() });

      const response = await send(app, {
        method: 'POST',
        url: '/api/auditrecord',
        body: auditBody(),
        headers: { traceparent: TRACEPARENT },
      });

      expect(response.status).toBe(201);
      expect(response.body).toEqual(storedRecord(TRACE_ID));
      expect(response.headers['x-correlation-id']).toBe(TRACE_ID);
      expect(service.create).toHaveBeenCalledWith(
        auditBody(),
        TRACE_ID,
        {
          actor: expect.stringMatching(/^key:[0-9a-f]{8}$/),
          clientAddress: '127.0.0.1',
        },
        expect.objectContaining({ idempotency: undefined }),
      );
    });

    it("gives the append the caller's time budget as its deadline, and the default without one", async () => {
      const { app, service } = await boot({ create: createEchoing() });
      const before = Date.now();

      await send(app, {
        method: 'POST',
        url: '/api/auditrecord',
        body: auditBody(),
        headers: { 'x-request-budget-ms': '1500' },
      });
      await send(app, {
        method: 'POST',
        url: '/api/auditrecord',
        body: auditBody(),
      });

      const deadlines = service.create.mock.calls.map(
        (call) => (call[3] as AppendOptions).deadline - before,
      );
      expect(deadlines[0]).toBeGreaterThanOrEqual(1500);
      expect(deadlines[0]).toBeLessThan(DEFAULT_BUDGET_MS);
      expect(deadlines[1]).toBeGreaterThanOrEqual(DEFAULT_BUDGET_MS);
    });

    it.each(['soon', '-5', '1.5', ''])(
      'answers 400 for a time budget of "%s", without appending',
      async (budget) => {
        const { app } = await boot();

        const response = await send(app, {
          method: 'POST',
          url: '/api/auditrecord',
          body: auditBody(),
          headers: { 'x-request-budget-ms': budget },
        });

        expectProblem(response, 400, 'INVALID_REQUEST_BUDGET');
      },
    );

    it('scopes an Idempotency-Key to the caller and route, and sends a replay with Idempotent-Replayed', async () => {
      const { app, service } = await boot({
        create: jest.fn(() =>
          Promise.resolve(new Replayed(storedRecord(TRACE_ID))),
        ),
      });

      const response = await send(app, {
        method: 'POST',
        url: '/api/auditrecord',
        body: auditBody(),
        headers: { 'idempotency-key': 'retry-1' },
      });

      expect(response.status).toBe(201);
      expect(response.headers['idempotent-replayed']).toBe('true');
      expect(response.body).toEqual(storedRecord(TRACE_ID));
      const { idempotency } = service.create.mock.calls[0][3] as AppendOptions;
      expect(idempotency).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{64}$/),
        fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
    });

    it('answers 400 for a malformed Idempotency-Key, without appending', async () => {
      const { app } = await boot();

      const response = await send(app, {
        method: 'POST',
        url: '/api/auditrecord',
        body: auditBody(),
        headers: { 'idempotency-key': 'x'.repeat(256) },
      });

      expectProblem(response, 400, 'INVALID_IDEMPOTENCY_KEY');
    });

    it.each([
      ['without a traceparent', {}],
      [
        'with an invalid traceparent',
        { traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01` },
      ],
    ])(
      'creates the record under a new trace id, the one answered as x-correlation-id, %s',
      async (_what, headers) => {
        const { app, service } = await boot({ create: createEchoing() });

        const response = await send(app, {
          method: 'POST',
          url: '/api/auditrecord',
          body: auditBody(),
          headers,
        });

        expect(response.status).toBe(201);
        const correlationId = response.headers['x-correlation-id'];
        expect(correlationId).toMatch(/^[0-9a-f]{32}$/);
        expect(correlationId).not.toBe('0'.repeat(32));
        expect(service.create).toHaveBeenCalledWith(
          auditBody(),
          correlationId,
          expect.objectContaining({ clientAddress: '127.0.0.1' }),
          expect.objectContaining({ deadline: expect.any(Number) }),
        );
        expect(response.body.correlationId).toBe(correlationId);
      },
    );

    it.each([
      ['an id', { id: RECORD_ID }],
      ['a createdDate', { createdDate: '2026-03-01T10:00:00.000Z' }],
      ['a correlationId', { correlationId: TRACE_ID }],
      ['a sequence', { sequence: 1 }],
      ['a previousHash', { previousHash: '0'.repeat(64) }],
      ['a hash', { hash: 'a'.repeat(64) }],
    ])(
      'answers 400 problem+json when the body supplies %s, which belongs to the server',
      async (_what, overrides) => {
        const { app } = await boot();

        const response = await send(app, {
          method: 'POST',
          url: '/api/auditrecord',
          body: auditBody(overrides),
        });

        const body = expectProblem(response, 400, 'VALIDATION_FAILED');
        expect(body.errors).toEqual([
          {
            path: '(body)',
            message: expect.stringContaining(Object.keys(overrides)[0]),
          },
        ]);
      },
    );

    it.each([
      [
        'without sourceSystemName',
        { sourceSystemName: undefined },
        'sourceSystemName',
      ],
      [
        'with an empty sourceSystemName',
        { sourceSystemName: '' },
        'sourceSystemName',
      ],
      [
        'with a sourceSystemName over 128 characters',
        { sourceSystemName: 'a'.repeat(129) },
        'sourceSystemName',
      ],
      ['without resource', { resource: undefined }, 'resource'],
      [
        'without resource.type',
        { resource: resource({ type: undefined }) },
        'resource.type',
      ],
      [
        'without resource.operation',
        { resource: resource({ operation: undefined }) },
        'resource.operation',
      ],
      [
        'with a number resource.id',
        { resource: resource({ id: 7 }) },
        'resource.id',
      ],
      ['without patientIds', { patientIds: undefined }, 'patientIds'],
      ['with an empty patient id', { patientIds: [''] }, 'patientIds.0'],
      [
        'with more than 200 patient ids',
        { patientIds: Array.from({ length: 201 }, (_, i) => `p-${i}`) },
        'patientIds',
      ],
      ['without outcome', { outcome: undefined }, 'outcome'],
      ['with an unknown outcome', { outcome: 'done' }, 'outcome'],
      ['with an outcome that is no HTTP status', { outcome: 99 }, 'outcome'],
      [
        'with an attemptId on an attempt',
        { outcome: 'attempted', attemptId: RECORD_ID },
        'attemptId',
      ],
      [
        'with a $-operator for resource.type',
        { resource: resource({ type: { $ne: null } }) },
        'resource.type',
      ],
      [
        'with an array for a string',
        { sourceSystemName: ['a'] },
        'sourceSystemName',
      ],
      [
        'with an unknown resource field',
        { resource: resource({ owner: 'x' }) },
        'resource',
      ],
      ['with an unknown field', { user: 'alice' }, '(body)'],
    ])(
      'answers 400 problem+json for a body %s, naming the field, without creating',
      async (_what, overrides, path) => {
        const { app } = await boot();

        const response = await send(app, {
          method: 'POST',
          url: '/api/auditrecord',
          body: auditBody(overrides),
        });

        expect(validationPaths(response)).toContain(path);
      },
    );
  });

  describe('GET /api/auditrecord', () => {
    it('answers 200 with the page items as an array and the continuation token as x-continuation-token', async () => {
      const items = [storedRecord()];
      const { app, service } = await boot({
        query: jest.fn().mockResolvedValue(new Page(items, 'next-page-token')),
      });

      const response = await send(app, {
        method: 'GET',
        url:
          `/api/auditrecord?resourceType=patient&resourceId=p-1&correlationId=${TRACE_ID}` +
          '&from=2026-01-01T00:00:00Z&to=2026-01-31T00:00:00%2B01:00&limit=20&continuationToken=this-page',
      });

      expect(response.status).toBe(200);
      expect(response.body).toEqual(items);
      expect(response.headers['x-continuation-token']).toBe('next-page-token');
      expect(service.query).toHaveBeenCalledWith({
        resourceType: 'patient',
        resourceId: 'p-1',
        correlationId: TRACE_ID,
        from: '2026-01-01T00:00:00Z',
        to: '2026-01-31T00:00:00+01:00',
        limit: 20,
        continuationToken: 'this-page',
      });
    });

    it('answers 200 with an empty array and no x-continuation-token when nothing matches', async () => {
      const { app } = await boot({
        query: jest.fn().mockResolvedValue(new Page([])),
      });

      const response = await send(app, {
        method: 'GET',
        url: '/api/auditrecord',
      });

      expect(response.status).toBe(200);
      expect(response.body).toEqual([]);
      expect(response.headers['x-continuation-token']).toBeUndefined();
    });

    it.each([
      ['from=yesterday', 'from'],
      ['to=2026-01-01', 'to'],
      [`resourceType=${'a'.repeat(65)}`, 'resourceType'],
      ['resourceId=', 'resourceId'],
    ])(
      'answers 400 problem+json for %s, naming the parameter, without querying',
      async (query, path) => {
        const { app } = await boot();

        const response = await send(app, {
          method: 'GET',
          url: `/api/auditrecord?${query}`,
        });

        expect(validationPaths(response)).toContain(path);
      },
    );

    it('answers 400 INVALID_CONTINUATION_TOKEN problem+json when the service rejects the token', async () => {
      const { app } = await boot({
        query: jest
          .fn()
          .mockRejectedValue(
            new BadRequestError('INVALID_CONTINUATION_TOKEN', 'Not ours.'),
          ),
      });

      const response = await send(app, {
        method: 'GET',
        url: '/api/auditrecord?continuationToken=forged',
      });

      expectProblem(response, 400, 'INVALID_CONTINUATION_TOKEN');
    });
  });

  describe('roles', () => {
    it.each([
      ['GET', '/api/auditrecord'],
      ['GET', '/api/auditrecord?patientId=p-1'],
    ] as const)(
      'answers 403 FORBIDDEN problem+json to the append key for %s %s, without touching the service',
      async (method, url) => {
        const { app } = await boot();

        const response = await send(app, { method, url, key: APPEND_KEY });

        expectProblem(response, 403, 'FORBIDDEN');
      },
    );

    it('answers 403 FORBIDDEN problem+json to a reader key that tries to append, without touching the service', async () => {
      const { app } = await boot();

      const response = await send(app, {
        method: 'POST',
        url: '/api/auditrecord',
        body: auditBody(),
        key: READER_KEY,
      });

      expectProblem(response, 403, 'FORBIDDEN');
    });

    it('lets the append key append and the reader key read', async () => {
      const { app } = await boot({
        create: createEchoing(),
        query: jest.fn().mockResolvedValue(new Page([])),
      });

      const appended = await send(app, {
        method: 'POST',
        url: '/api/auditrecord',
        body: auditBody(),
        key: APPEND_KEY,
      });
      const read = await send(app, {
        method: 'GET',
        url: '/api/auditrecord',
        key: READER_KEY,
      });

      expect([appended.status, read.status]).toEqual([201, 200]);
    });
  });

  describe('API key', () => {
    it('accepts the key as the code query parameter', async () => {
      const { app } = await boot({ create: createEchoing() });

      const response = await send(app, {
        method: 'POST',
        url: `/api/auditrecord?code=${TEST_API_KEY}`,
        body: auditBody(),
        key: null,
      });

      expect(response.status).toBe(201);
    });
  });
});
