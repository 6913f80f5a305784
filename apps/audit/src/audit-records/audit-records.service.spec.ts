import { encodeContinuationToken, Page } from '@app/shared/http';
import { Replayed } from '@app/shared/idempotency';
import { strictMock } from '@test/strict-mock';
import { GENESIS_HASH } from './audit-chain';
import type { AuditRecord, CreateAuditRecordDto } from './audit-record.dto';
import { AuditRecordsRepository } from './audit-records.repository';
import { AuditRecordsService } from './audit-records.service';
import type { AppendOptions } from './append-options.decorator';
import type { AppendRequest, AuditAppender } from './audit-appender';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const UUID_V4 =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const body = (): CreateAuditRecordDto => ({
  sourceSystemName: 'patient-tests',
  resource: { type: 'patient', id: 'p-1', operation: 'read' },
  patientIds: ['p-1'],
  outcome: 200,
});

const record = (sequence: number): AuditRecord => ({
  ...body(),
  id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
  sequence,
  createdDate: new Date(Date.UTC(2026, 0, sequence)).toISOString(),
  correlationId: TRACE_ID,
  previousHash: GENESIS_HASH,
  hash: GENESIS_HASH,
});

function setUp(
  stubs: Parameters<typeof strictMock<AuditRecordsRepository>>[0],
  appenderStubs: Parameters<typeof strictMock<AuditAppender>>[0] = {},
) {
  const repository = strictMock<AuditRecordsRepository>(stubs);
  const appender = strictMock<AuditAppender>(appenderStubs);
  return {
    repository,
    appender,
    service: new AuditRecordsService(repository, appender),
  };
}

/** An appender that appends what it is given as record 1. */
const appending = () => ({
  append: jest.fn().mockResolvedValue({ record: record(1), replayed: false }),
});

const options = (): AppendOptions => ({
  deadline: Date.now() + 2000,
  signal: new AbortController().signal,
});

describe('AuditRecordsService', () => {
  describe('create', () => {
    it('appends the body with a new v4 id, the current time and the given correlation id', async () => {
      const { service, appender } = setUp({}, appending());
      const before = Date.now();

      expect(await service.create(body(), TRACE_ID, {}, options())).toEqual(
        record(1),
      );

      const appended = (appender.append.mock.calls[0][0] as AppendRequest)
        .record;
      expect(appended).toEqual({
        ...body(),
        id: expect.stringMatching(UUID_V4),
        createdDate: expect.any(String),
        correlationId: TRACE_ID,
      });
      expect(Date.parse(appended.createdDate)).toBeGreaterThanOrEqual(before);
    });

    it('takes the correlation id from the argument, never from the body', async () => {
      const { service, appender } = setUp({}, appending());
      const forged = {
        ...body(),
        correlationId: 'f'.repeat(32),
      } as CreateAuditRecordDto;

      await service.create(forged, TRACE_ID, {}, options());

      expect(appender.append).toHaveBeenCalledWith(
        expect.objectContaining({
          record: expect.objectContaining({ correlationId: TRACE_ID }),
        }),
      );
    });

    it("records the audit API's own caller as the actor and a body's actor only as asserted on its behalf", async () => {
      const { service, appender } = setUp({}, appending());

      await service.create(
        {
          ...body(),
          actor: 'subscription:s1',
          unverified: { clientAddress: '203.0.113.9' },
        },
        TRACE_ID,
        {
          actor: 'key:patient-tests',
          clientAddress: '10.0.0.4',
          unverified: { actor: 'subscription:forged' },
        },
        options(),
      );

      const appended = (appender.append.mock.calls[0][0] as AppendRequest)
        .record;
      expect(appended).toMatchObject({
        actor: 'key:patient-tests',
        clientAddress: '10.0.0.4',
        unverified: { actor: 'subscription:forged' },
        onBehalfOf: {
          actor: 'subscription:s1',
          unverified: { clientAddress: '203.0.113.9' },
        },
      });
      expect(appended.onBehalfOf).not.toHaveProperty('clientAddress');
    });

    it('names each patient once, in the order given, with the outcome and the attempt it completes', async () => {
      const { service, appender } = setUp({}, appending());
      const attemptId = '00000000-0000-4000-8000-000000000001';

      await service.create(
        {
          ...body(),
          patientIds: ['p-2', 'p-1', 'p-2'],
          outcome: 412,
          attemptId,
        },
        TRACE_ID,
        {},
        options(),
      );

      expect(appender.append).toHaveBeenCalledWith(
        expect.objectContaining({
          record: expect.objectContaining({
            patientIds: ['p-2', 'p-1'],
            outcome: 412,
            attemptId,
          }),
        }),
      );
    });

    it("passes the caller's deadline, signal and Idempotency-Key scope to the appender", async () => {
      const { service, appender } = setUp({}, appending());
      const given = {
        ...options(),
        idempotency: { id: 'scope', fingerprint: 'body' },
      };

      await service.create(body(), TRACE_ID, {}, given);

      expect(appender.append).toHaveBeenCalledWith(
        expect.objectContaining(given),
      );
    });

    it('marks a record appended by an earlier use of the same key as replayed', async () => {
      const { service } = setUp(
        {},
        {
          append: jest
            .fn()
            .mockResolvedValue({ record: record(7), replayed: true }),
        },
      );

      const answer = await service.create(body(), TRACE_ID, {}, options());

      expect(answer).toBeInstanceOf(Replayed);
      expect((answer as Replayed<AuditRecord>).value).toEqual(record(7));
    });
  });

  describe('query', () => {
    it('passes the filters with from/to as dates, fetching one more than the limit', async () => {
      const { service, repository } = setUp({
        query: jest.fn().mockResolvedValue([]),
      });

      await service.query({
        resourceType: 'patient',
        resourceId: 'p-1',
        correlationId: TRACE_ID,
        from: '2026-01-01T00:00:00Z',
        to: '2026-01-31T23:59:59+01:00',
      });

      expect(repository.query).toHaveBeenCalledWith(
        {
          resourceType: 'patient',
          resourceId: 'p-1',
          correlationId: TRACE_ID,
          from: new Date('2026-01-01T00:00:00Z'),
          to: new Date('2026-01-31T22:59:59Z'),
        },
        51,
        undefined,
      );
    });

    it('continues below the sequence of the last record of the previous page', async () => {
      const { service, repository } = setUp({
        query: jest
          .fn()
          .mockResolvedValueOnce([record(9), record(8)])
          .mockResolvedValueOnce([record(7)]),
      });

      const first = await service.query({ limit: 1 });
      expect(first).toBeInstanceOf(Page);
      expect(first.items).toEqual([record(9)]);
      const second = await service.query({
        limit: 1,
        continuationToken: first.continuationToken,
      });

      expect(repository.query).toHaveBeenLastCalledWith(
        expect.anything(),
        2,
        9,
      );
      expect(second.items).toEqual([record(7)]);
      expect(second.continuationToken).toBeUndefined();
    });

    it.each([
      ['garbage', 'not a token'],
      ['a position of another list', encodeContinuationToken({ after: 'x' })],
      ['a negative sequence', encodeContinuationToken({ before: -1 })],
    ])(
      'rejects a continuation token that is %s, without querying',
      async (_what, token) => {
        const { service } = setUp({});
        await expect(
          service.query({ continuationToken: token }),
        ).rejects.toMatchObject({
          code: 'INVALID_CONTINUATION_TOKEN',
          status: 400,
        });
      },
    );
  });
});
