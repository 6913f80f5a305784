import { strictMock } from '@test/strict-mock';
import { GENESIS_HASH } from './audit-chain';
import { AppendKeysRepository } from './append-keys.repository';
import { AppendRequest, AuditAppender } from './audit-appender';
import type { AuditRecordDocument } from './audit-record.schema';
import {
  AuditRecordsRepository,
  CHAIN_START,
  chainedContentOf,
  UnchainedRecord,
} from './audit-records.repository';
import { chainHash } from './audit-chain';

const unchained = (n: number): UnchainedRecord => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  createdDate: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  sourceSystemName: 'patient-tests',
  resource: { type: 'patient', id: `p-${n}`, operation: 'read' },
  correlationId: '4bf92f3577b34da6a3ce929d0e0e4736',
});

const request = (n: number, budgetMs = 5000): AppendRequest => ({
  record: unchained(n),
  deadline: Date.now() + budgetMs,
});

/** A driver error for an ordered insert that stored the documents before `index`. */
const writeError = (index: number, code: number) =>
  Object.assign(new Error('write error'), {
    name: 'MongoBulkWriteError',
    writeErrors: [{ index, code, errmsg: 'x' }],
  });

/**
 * A register in memory behind the repository's append-path methods: `_id` unique, as in the database.
 * `before(docs)` runs before each insert, to let another writer in or fail it.
 */
function register(
  before: (docs: AuditRecordDocument[]) => void = () => undefined,
  stubs: Parameters<typeof strictMock<AuditRecordsRepository>>[0] = {},
) {
  const stored = new Map<number, AuditRecordDocument>();
  const tipOf = (from: { sequence: number; hash: string }) => {
    let tip = from;
    while (stored.has(tip.sequence + 1)) {
      const next = stored.get(tip.sequence + 1)!;
      tip = { sequence: next._id, hash: next.hash };
    }
    return tip;
  };
  const repository = strictMock<AuditRecordsRepository>({
    appendPosition: jest.fn((known?: { sequence: number; hash: string }) =>
      Promise.resolve(tipOf(known ?? CHAIN_START)),
    ),
    insertChained: jest.fn((docs: AuditRecordDocument[]) => {
      before(docs);
      for (const [index, doc] of docs.entries()) {
        if (stored.has(doc._id)) {
          return Promise.reject(writeError(index, 11000));
        }
        stored.set(doc._id, doc);
      }
      return Promise.resolve();
    }),
    advanceHeadHint: jest.fn().mockResolvedValue(undefined),
    ...stubs,
  });
  return { stored, repository };
}

/** Every stored record fits its predecessor and its own hash, from sequence 1 without a gap. */
function expectOneValidChain(stored: Map<number, AuditRecordDocument>) {
  let previousHash = GENESIS_HASH;
  for (let sequence = 1; sequence <= stored.size; sequence++) {
    const doc = stored.get(sequence)!;
    expect(doc).toBeDefined();
    expect(doc.previousHash).toBe(previousHash);
    expect(chainHash(chainedContentOf(doc))).toBe(doc.hash);
    previousHash = doc.hash;
  }
}

const noKeys = () => strictMock<AppendKeysRepository>({});

describe('AuditAppender', () => {
  it('writes one append alone at once, and the appends that wait meanwhile together in one write', async () => {
    const { stored, repository } = register();
    const appender = new AuditAppender(repository, noKeys());

    const results = await Promise.all(
      Array.from({ length: 30 }, (_, n) => appender.append(request(n + 1))),
    );

    expect(results.map((r) => r.record.sequence)).toEqual(
      Array.from({ length: 30 }, (_, n) => n + 1),
    );
    // The first append is written alone; the 29 that queued behind it go in one write.
    expect(
      repository.insertChained.mock.calls.map(
        (call) => (call[0] as unknown[]).length,
      ),
    ).toEqual([1, 29]);
    expectOneValidChain(stored);
  });

  it('re-chains the rest of a batch after the real head when another instance took a sequence in it', async () => {
    let interfered = false;
    const { stored, repository } = register((docs) => {
      // Another instance stores two records where this batch's third and fourth were to go.
      if (!interfered && docs.length > 1) {
        interfered = true;
        const base = docs[0]._id - 1;
        const others = docs.slice(0, 2).map((doc, n) => ({
          ...doc,
          _id: base + 3 + n,
          recordId: `other-${n}`,
        }));
        for (const doc of others) {
          stored.set(doc._id, doc);
        }
      }
    });
    const appender = new AuditAppender(repository, noKeys());
    await appender.append(request(0));

    const results = await Promise.all(
      Array.from({ length: 5 }, (_, n) => appender.append(request(n + 1))),
    );

    // One batch of five from sequence 2: 2 and 3 were stored before the conflict at 4, which the
    // other instance holds with 5; the last three follow at 6, 7 and 8.
    expect(
      repository.insertChained.mock.calls.map(
        (call) => (call[0] as AuditRecordDocument[])[0]._id,
      ),
    ).toEqual([1, 2, 6]);
    expect(results.map((r) => r.record.sequence)).toEqual([2, 3, 6, 7, 8]);
    expect(repository.appendPosition).toHaveBeenLastCalledWith(
      expect.objectContaining({ sequence: 3 }),
    );
    for (const result of results) {
      expect(stored.get(result.record.sequence)!.recordId).toBe(
        result.record.id,
      );
    }
  });

  it('retries a throttled write after the time the database asks for, and keeps what was stored', async () => {
    let throttled = false;
    const { stored, repository } = register((docs) => {
      if (!throttled && docs.length > 1) {
        throttled = true;
        stored.set(docs[0]._id, docs[0]);
        throw Object.assign(writeError(1, 16500), {
          writeErrors: [{ index: 1, code: 16500, errmsg: 'RetryAfterMs=5' }],
        });
      }
    });
    const appender = new AuditAppender(repository, noKeys());
    const first = appender.append(request(1));
    const rest = Array.from({ length: 3 }, (_, n) =>
      appender.append(request(n + 2)),
    );

    const results = await Promise.all([first, ...rest]);

    expect(results.map((r) => r.record.sequence)).toEqual([1, 2, 3, 4]);
    expectOneValidChain(stored);
  });

  describe('a lone record, written by insertOne, whose error names no index', () => {
    /** How the driver refuses an insertOne: the server's code on the error itself, no writeErrors. */
    const insertOneError = (code: number, message: string) =>
      Object.assign(new Error(message), {
        name: 'MongoServerError',
        code,
        errorResponse: { ok: 0, code, errmsg: message },
      });

    /** The register, with a lone record's refusal reported the way insertOne reports it. */
    function insertOneRegister() {
      const { stored, repository } = register();
      const insert = repository.insertChained.getMockImplementation()!;
      repository.insertChained.mockImplementation(async (docs) => {
        try {
          return await insert(docs);
        } catch (error) {
          if (docs.length !== 1) {
            throw error;
          }
          throw insertOneError(11000, 'E11000 duplicate key error');
        }
      });
      return { stored, repository, insert };
    }

    it('is re-chained after the real head when another instance took its sequence, and stored once', async () => {
      const { stored, repository } = insertOneRegister();
      const appender = new AuditAppender(repository, noKeys());
      await appender.append(request(1));
      const first = stored.get(1)!;
      // Another instance appends at sequence 2 before this one does.
      stored.set(2, { ...first, _id: 2, recordId: 'other-instance' });

      const result = await appender.append(request(2));

      expect(result.record.sequence).toBe(3);
      const ids = [...stored.values()].map((doc) => doc.recordId);
      expect(ids.filter((id) => id === unchained(2).id)).toHaveLength(1);
      expect(stored.get(3)!.recordId).toBe(unchained(2).id);
    });

    it('is written again after the wait a throttled insertOne asks for', async () => {
      const { stored, repository, insert } = insertOneRegister();
      repository.insertChained.mockImplementationOnce(() =>
        Promise.reject(
          insertOneError(16500, 'Request rate is large. RetryAfterMs=5'),
        ),
      );
      repository.insertChained.mockImplementation(insert);
      const appender = new AuditAppender(repository, noKeys());

      const result = await appender.append(request(1));

      expect(result.record.sequence).toBe(1);
      expect(repository.insertChained).toHaveBeenCalledTimes(2);
      expect([...stored.values()].map((doc) => doc.recordId)).toEqual([
        unchained(1).id,
      ]);
    });
  });

  it('answers 503 for an append whose deadline passes while it waits, and never writes it', async () => {
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const { stored, repository } = register();
    const insert = repository.insertChained.getMockImplementation()!;
    repository.insertChained.mockImplementationOnce(async (docs) => {
      await slow;
      return insert(docs);
    });
    const appender = new AuditAppender(repository, noKeys());

    const first = appender.append(request(1));
    await new Promise((resolve) => setImmediate(resolve));
    const hurried = appender.append(request(2, 30));
    await expect(hurried).rejects.toMatchObject({
      code: 'AUDIT_DEADLINE_EXCEEDED',
      status: 503,
    });
    release();

    expect((await first).record.sequence).toBe(1);
    expect([...stored.values()].map((doc) => doc.recordId)).toEqual([
      unchained(1).id,
    ]);
  });

  it('writes nothing for a caller whose budget is already spent or who has gone', async () => {
    const { stored, repository } = register();
    const appender = new AuditAppender(repository, noKeys());
    const gone = new AbortController();
    gone.abort();

    await expect(appender.append(request(1, 0))).rejects.toMatchObject({
      code: 'AUDIT_DEADLINE_EXCEEDED',
    });
    await expect(
      appender.append({ ...request(2), signal: gone.signal }),
    ).rejects.toMatchObject({ code: 'AUDIT_DEADLINE_EXCEEDED' });
    expect(stored.size).toBe(0);
  });

  it('fails the batch with the database error when the outcome of a write is unknown, and reads the head again', async () => {
    const { repository } = register();
    repository.insertChained.mockRejectedValueOnce(
      Object.assign(new Error('connection closed'), {
        name: 'MongoNetworkError',
      }),
    );
    const appender = new AuditAppender(repository, noKeys());

    await expect(appender.append(request(1))).rejects.toMatchObject({
      name: 'MongoNetworkError',
    });
    expect((await appender.append(request(2))).record.sequence).toBe(1);
    expect(repository.appendPosition).toHaveBeenCalledTimes(2);
  });

  describe('with Idempotency-Keys', () => {
    const keyed = (
      n: number,
      id: string,
      fingerprint = 'body',
    ): AppendRequest => ({
      ...request(n),
      idempotency: { id, fingerprint },
    });

    it('claims the keys of a batch in one write and appends each claimed record once', async () => {
      const { stored, repository } = register();
      const keys = strictMock<AppendKeysRepository>({
        claimAll: jest.fn().mockResolvedValue(new Set()),
      });
      const appender = new AuditAppender(repository, keys);

      await Promise.all([
        appender.append(keyed(1, 'k1')),
        appender.append(keyed(2, 'k2')),
        appender.append(keyed(3, 'k3')),
      ]);

      // One claim for the first append, one for the two that waited behind it.
      expect(keys.claimAll).toHaveBeenCalledTimes(2);
      expect(keys.claimAll.mock.calls[1][0]).toEqual([
        expect.objectContaining({ _id: 'k2', recordId: unchained(2).id }),
        expect.objectContaining({ _id: 'k3', recordId: unchained(3).id }),
      ]);
      expect(stored.size).toBe(3);
    });

    it("replays the key's record, refuses another body (422) and a key still in flight (409)", async () => {
      const original: AuditRecordDocument = {
        _id: 1,
        _shardKey: '1',
        recordId: 'first-record',
        createdDate: new Date(),
        sourceSystemName: 'patient-tests',
        resource: { type: 'patient', operation: 'read' },
        correlationId: 'c'.repeat(32),
        previousHash: GENESIS_HASH,
        hash: 'a'.repeat(64),
      };
      const { stored, repository } = register(undefined, {
        byRecordId: jest.fn((recordId: string) =>
          Promise.resolve(
            recordId === original.recordId ? original : undefined,
          ),
        ),
      });
      const future = new Date(Date.now() + 60_000);
      const keys = strictMock<AppendKeysRepository>({
        claimAll: jest.fn().mockResolvedValue(new Set([0])),
        find: jest.fn((id: string) =>
          Promise.resolve({
            _id: id,
            _shardKey: id,
            fingerprint: 'body',
            recordId: id === 'done' ? original.recordId : 'still-running',
            claimedUntil: future,
            expiresAt: future,
          }),
        ),
      });
      const appender = new AuditAppender(repository, keys);

      const replay = await appender.append(keyed(1, 'done'));
      expect(replay).toMatchObject({
        replayed: true,
        record: { id: 'first-record', sequence: 1 },
      });
      await expect(
        appender.append(keyed(2, 'done', 'another body')),
      ).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', status: 422 });
      await expect(appender.append(keyed(3, 'running'))).rejects.toMatchObject({
        code: 'IDEMPOTENCY_KEY_IN_FLIGHT',
        status: 409,
      });
      expect(stored.size).toBe(0);
    });

    it('frees the claimed key of an append that wrote nothing, so the client can retry with it', async () => {
      const { stored, repository } = register();
      const keys = strictMock<AppendKeysRepository>({
        // The claim itself takes longer than the caller's whole budget.
        claimAll: jest.fn(
          () =>
            new Promise<Set<number>>((resolve) =>
              setTimeout(() => resolve(new Set()), 60),
            ),
        ),
        release: jest.fn().mockResolvedValue(undefined),
      });
      const appender = new AuditAppender(repository, keys);

      await expect(
        appender.append({ ...keyed(1, 'k'), deadline: Date.now() + 30 }),
      ).rejects.toMatchObject({ code: 'AUDIT_DEADLINE_EXCEEDED' });

      expect(keys.release).toHaveBeenCalledWith('k', unchained(1).id);
      expect(stored.size).toBe(0);
    });
  });
});
