import { strictMock } from '@test/strict-mock';
import {
  chainHash,
  ChainedContent,
  GENESIS_HASH,
} from '../audit-records/audit-chain';
import type { AuditRecordDocument } from '../audit-records/audit-record.schema';
import { AuditRecordsRepository } from '../audit-records/audit-records.repository';
import { VERIFY_MAX_RANGE } from './chain.dto';
import { ChainVerificationService } from './chain-verification.service';
import type { CheckpointFinding } from './checkpoint-check';
import { CheckpointsService } from './checkpoints.service';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** A stored chain of `count` intact documents, as the repository would return them. */
function chain(count: number): AuditRecordDocument[] {
  const docs: AuditRecordDocument[] = [];
  let previousHash = GENESIS_HASH;
  for (let sequence = 1; sequence <= count; sequence++) {
    const content: ChainedContent = {
      id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
      sequence,
      previousHash,
      createdDate: new Date(Date.UTC(2026, 0, sequence)).toISOString(),
      sourceSystemName: 'patient-tests',
      resource: { type: 'patient', id: `p-${sequence}`, operation: 'read' },
      correlationId: TRACE_ID,
    };
    const hash = chainHash(content);
    const { id, createdDate, sequence: _sequence, ...rest } = content;
    docs.push({
      ...rest,
      _id: sequence,
      _shardKey: String(sequence),
      recordId: id,
      createdDate: new Date(createdDate),
      hash,
    });
    previousHash = hash;
  }
  return docs;
}

/**
 * A repository over `docs` for verification (head, point reads and ascending ranges) and checkpoints
 * that report `finding` (none configured by default).
 */
function over(docs: AuditRecordDocument[], finding?: CheckpointFinding) {
  const sorted = [...docs].sort((a, b) => a._id - b._id);
  const repository = strictMock<AuditRecordsRepository>({
    head: jest
      .fn()
      .mockResolvedValue(
        sorted.length === 0
          ? { sequence: 0, hash: GENESIS_HASH }
          : { sequence: sorted.at(-1)!._id, hash: sorted.at(-1)!.hash },
      ),
    at: jest.fn((sequence: number) =>
      Promise.resolve(sorted.find((doc) => doc._id === sequence)),
    ),
    range: jest.fn((from: number, to: number, size: number) =>
      Promise.resolve(
        sorted.filter((doc) => doc._id >= from && doc._id <= to).slice(0, size),
      ),
    ),
  });
  const checkpoints = strictMock<CheckpointsService>({
    check: jest.fn().mockResolvedValue(finding),
  });
  return {
    repository,
    checkpoints,
    service: new ChainVerificationService(repository, checkpoints),
  };
}

describe('ChainVerificationService.verify', () => {
  it('accepts an intact chain and reports its head', async () => {
    const docs = chain(5);
    const { service } = over(docs);
    expect(await service.verify({})).toEqual({
      valid: true,
      checked: 5,
      head: { sequence: 5, hash: docs[4].hash },
    });
  });

  it('accepts an empty register', async () => {
    const { service } = over([]);
    expect(await service.verify({})).toEqual({
      valid: true,
      checked: 0,
      head: { sequence: 0, hash: GENESIS_HASH },
    });
  });

  it('reports a changed record at its sequence', async () => {
    const docs = chain(5);
    docs[2] = { ...docs[2], sourceSystemName: 'someone-else' };
    expect(await over(docs).service.verify({})).toMatchObject({
      valid: false,
      firstInvalidSequence: 3,
      checked: 2,
    });
  });

  it('reports a gap where a record was deleted', async () => {
    const docs = chain(5).filter((doc) => doc._id !== 4);
    expect(await over(docs).service.verify({})).toMatchObject({
      valid: false,
      firstInvalidSequence: 4,
    });
  });

  it('reports a record whose previous hash does not match its predecessor', async () => {
    const docs = chain(5);
    docs[3] = { ...docs[3], previousHash: docs[1].hash };
    expect(await over(docs).service.verify({})).toMatchObject({
      valid: false,
      firstInvalidSequence: 4,
    });
  });

  it('anchors a partial check on the record before it', async () => {
    const docs = chain(6);
    const { service } = over(docs);
    expect(await service.verify({ from: 3, to: 5 })).toMatchObject({
      valid: true,
      checked: 3,
    });
  });

  it('reports a missing anchor when the record before the range is gone', async () => {
    const docs = chain(6).filter((doc) => doc._id !== 2);
    expect(await over(docs).service.verify({ from: 3 })).toMatchObject({
      valid: false,
      firstInvalidSequence: 2,
    });
  });

  it('walks a long chain in batches', async () => {
    const docs = chain(1203);
    const { service, repository } = over(docs);
    expect(await service.verify({})).toMatchObject({
      valid: true,
      checked: 1203,
    });
    // Two batches, and one look past the head.
    expect(repository.range).toHaveBeenCalledTimes(3);
  });

  it('reports a gap right after the head when records lie beyond it (the head stops at a gap)', async () => {
    const docs = chain(6).filter((doc) => doc._id !== 3);
    const { service, repository } = over(docs);
    repository.head.mockResolvedValue({ sequence: 2, hash: docs[1].hash });

    expect(await service.verify({})).toMatchObject({
      valid: false,
      checked: 2,
      firstInvalidSequence: 3,
      reason: 'record-missing',
    });
  });

  it('reports a changed record with its reason', async () => {
    const docs = chain(5);
    docs[2] = { ...docs[2], sourceSystemName: 'someone-else' };
    expect(await over(docs).service.verify({})).toMatchObject({
      reason: 'record-changed',
    });
  });

  it(`checks at most ${VERIFY_MAX_RANGE} records per call and says where to go on`, async () => {
    const docs = chain(VERIFY_MAX_RANGE + 5);
    const { service } = over(docs);

    const first = await service.verify({});
    expect(first).toMatchObject({
      valid: true,
      checked: VERIFY_MAX_RANGE,
      next: VERIFY_MAX_RANGE + 1,
    });
    const second = await service.verify({ from: first.next });
    expect(second).toMatchObject({ valid: true, checked: 5 });
    expect(second.next).toBeUndefined();
  });

  it('stops a bounded range at its end without a next', async () => {
    const { service } = over(chain(20));
    const result = await service.verify({ from: 3, to: 7 });
    expect(result).toMatchObject({ valid: true, checked: 5 });
    expect(result.next).toBeUndefined();
  });

  it('answers valid with nothing checked for a range beyond the head, never a false alarm', async () => {
    const { service } = over(chain(4));
    expect(await service.verify({ from: 9, to: 12 })).toEqual({
      valid: true,
      checked: 0,
      head: { sequence: 4, hash: expect.any(String) },
    });
  });

  it.each(['truncated', 'rewritten'] as const)(
    'reports a %s chain from the sequence the checkpoints give, though every record links',
    async (kind) => {
      const docs = chain(6);
      const checkpoint = {
        sequence: 8,
        hash: 'a'.repeat(64),
        createdDate: '2026-01-01T00:00:00.000Z',
        algorithm: 'ES256' as const,
        keyId: 'local:0123456789abcdef',
        signature: 'c2ln',
      };
      const { service } = over(docs, {
        kind,
        firstInvalidSequence: 5,
        checkpoint,
        rejected: 0,
      });

      expect(await service.verify({})).toEqual({
        valid: false,
        checked: 6,
        firstInvalidSequence: 5,
        reason: kind,
        head: { sequence: 6, hash: docs[5].hash },
        checkpoint: {
          sequence: 8,
          createdDate: checkpoint.createdDate,
          keyId: checkpoint.keyId,
        },
      });
    },
  );

  it('reports the earlier of a broken record and a checkpoint finding', async () => {
    const docs = chain(6);
    docs[1] = { ...docs[1], correlationId: 'f'.repeat(32) };
    const { service } = over(docs, {
      kind: 'rewritten',
      firstInvalidSequence: 4,
      checkpoint: {
        sequence: 6,
        hash: 'a'.repeat(64),
        createdDate: '2026-01-01T00:00:00.000Z',
        algorithm: 'ES256',
        keyId: 'local:0123456789abcdef',
        signature: 'c2ln',
      },
      rejected: 0,
    });
    expect(await service.verify({})).toMatchObject({
      valid: false,
      firstInvalidSequence: 2,
      reason: 'record-changed',
    });
  });

  it('is invalid when a stored checkpoint has no valid signature, and counts it', async () => {
    const { service } = over(chain(3), { kind: 'consistent', rejected: 2 });
    expect(await service.verify({})).toMatchObject({
      valid: false,
      reason: 'checkpoint-rejected',
      rejectedCheckpoints: 2,
    });
  });
});
