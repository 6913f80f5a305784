import { encodeContinuationToken, Page } from '@app/shared';
import { strictMock } from '../../../../test/support/strict-mock';
import type { AuditRecord, CreateAuditRecordDto } from './audit-record.dto';
import { AuditRecordsRepository } from './audit-records.repository';
import { AuditRecordsService } from './audit-records.service';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const UUID_V4 =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const body = (): CreateAuditRecordDto => ({
  sourceSystemName: 'patient-tests',
  resource: { type: 'patient', id: 'p-1', operation: 'read' },
});

const record = (id: string, createdDate: string): AuditRecord => ({
  ...body(),
  id,
  createdDate,
  correlationId: TRACE_ID,
});

/** Newest first, as the repository returns them. */
const records = (count: number) =>
  Array.from({ length: count }, (_, i) =>
    record(
      `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      new Date(Date.UTC(2026, 0, 10 - i)).toISOString(),
    ),
  );

function setUp(
  stubs: Parameters<typeof strictMock<AuditRecordsRepository>>[0],
) {
  const repository = strictMock<AuditRecordsRepository>(stubs);
  return { repository, service: new AuditRecordsService(repository) };
}

describe('AuditRecordsService', () => {
  describe('create', () => {
    it('stores the record with a new v4 id, the current time and the given correlation id', async () => {
      const { service, repository } = setUp({
        insert: jest.fn().mockResolvedValue(undefined),
      });
      const before = Date.now();

      const created = await service.create(body(), TRACE_ID);

      expect(created).toEqual({
        ...body(),
        id: expect.stringMatching(UUID_V4),
        createdDate: expect.any(String),
        correlationId: TRACE_ID,
      });
      expect(new Date(created.createdDate).toISOString()).toBe(
        created.createdDate,
      );
      expect(Date.parse(created.createdDate)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(created.createdDate)).toBeLessThanOrEqual(Date.now());
      expect(repository.insert).toHaveBeenCalledWith(created);
    });

    it('gives every record its own id', async () => {
      const { service } = setUp({
        insert: jest.fn().mockResolvedValue(undefined),
      });

      const first = await service.create(body(), TRACE_ID);
      const second = await service.create(body(), TRACE_ID);

      expect(first.id).not.toBe(second.id);
    });

    it('takes the correlation id from the argument, never from the body', async () => {
      const { service, repository } = setUp({
        insert: jest.fn().mockResolvedValue(undefined),
      });
      const forged = {
        ...body(),
        correlationId: 'ffffffffffffffffffffffffffffffff',
      } as CreateAuditRecordDto;

      const created = await service.create(forged, TRACE_ID);

      expect(created.correlationId).toBe(TRACE_ID);
      expect(repository.insert).toHaveBeenCalledWith(
        expect.objectContaining({ correlationId: TRACE_ID }),
      );
    });
  });

  describe('query', () => {
    it('passes the filters to the repository, with from/to as dates and without the API key', async () => {
      const { service, repository } = setUp({
        query: jest.fn().mockResolvedValue([]),
      });

      await service.query({
        resourceType: 'patient',
        resourceId: 'p-1',
        correlationId: TRACE_ID,
        from: '2026-01-01T00:00:00Z',
        to: '2026-01-31T23:59:59+01:00',
        code: 'the-api-key-in-the-query',
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

    it('fetches one more than the limit and answers a full page with a continuation token', async () => {
      const found = records(3);
      const { service, repository } = setUp({
        query: jest.fn().mockResolvedValue(found),
      });

      const page = await service.query({ limit: 2 });

      expect(repository.query).toHaveBeenCalledWith(
        expect.anything(),
        3,
        undefined,
      );
      expect(page).toBeInstanceOf(Page);
      expect(page.items).toEqual(found.slice(0, 2));
      expect(page.continuationToken).toEqual(expect.any(String));
    });

    it('answers the last page without a continuation token', async () => {
      const found = records(2);
      const { service } = setUp({ query: jest.fn().mockResolvedValue(found) });

      const page = await service.query({ limit: 2 });

      expect(page.items).toEqual(found);
      expect(page.continuationToken).toBeUndefined();
    });

    it('continues after the date and id of the last record of the previous page when given its token', async () => {
      const [first, second, third] = records(3);
      const { service, repository } = setUp({
        query: jest
          .fn()
          .mockResolvedValueOnce([first, second])
          .mockResolvedValueOnce([third]),
      });

      const page1 = await service.query({ limit: 1 });
      const page2 = await service.query({
        limit: 1,
        continuationToken: page1.continuationToken,
      });

      expect(repository.query).toHaveBeenLastCalledWith(expect.anything(), 2, {
        createdDate: new Date(first.createdDate),
        id: first.id,
      });
      expect(page2.items).toEqual([third]);
    });

    it.each([
      ['garbage', 'not a token'],
      [
        'a position without a date',
        encodeContinuationToken({ i: 'x', d: 'yesterday' }),
      ],
      ['a position of another list', encodeContinuationToken({ after: 'x' })],
    ])(
      'rejects a continuation token that is %s with INVALID_CONTINUATION_TOKEN, without querying',
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
