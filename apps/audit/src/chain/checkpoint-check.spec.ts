import type { Checkpoint } from './checkpoint';
import { checkAgainstCheckpoints } from './checkpoint-check';
import type { StoredCheckpoint } from './checkpoint-store';

const hashOf = (sequence: number, era = 'a') =>
  `${era}${String(sequence).padStart(63, '0')}`;

const checkpoint = (sequence: number, era = 'a'): Checkpoint => ({
  sequence,
  hash: hashOf(sequence, era),
  createdDate: '2026-01-01T00:00:00.000Z',
  algorithm: 'ES256',
  keyId: 'local:0123456789abcdef',
  signature: era === 'forged' ? 'Zm9yZ2Vk' : 'c2lnbmVk',
});

const stored = (...checkpoints: Checkpoint[]): StoredCheckpoint[] =>
  checkpoints.map((c) => ({ name: String(c.sequence), checkpoint: c }));

/** A chain of `head` records whose hashes are era `a` up to `rewrittenFrom` and era `b` after it. */
const chain = (head: number, rewrittenFrom = Infinity) => ({
  headSequence: head,
  hashAt: (sequence: number) =>
    Promise.resolve(
      sequence > head
        ? undefined
        : hashOf(sequence, sequence >= rewrittenFrom ? 'b' : 'a'),
    ),
  isAuthentic: (c: Checkpoint) => Promise.resolve(c.signature === 'c2lnbmVk'),
  complete: true,
});

describe('checkAgainstCheckpoints', () => {
  it('is consistent when the newest checkpoint still has its hash', async () => {
    expect(
      await checkAgainstCheckpoints({
        ...chain(12),
        newestFirst: stored(checkpoint(10), checkpoint(5)),
      }),
    ).toEqual({ kind: 'consistent', checkpoint: checkpoint(10), rejected: 0 });
  });

  it('is consistent, with nothing to compare, when there is no checkpoint', async () => {
    expect(
      await checkAgainstCheckpoints({ ...chain(3), newestFirst: [] }),
    ).toEqual({ kind: 'consistent', rejected: 0 });
  });

  it('reports a chain that ends before a signed sequence as truncated after its head', async () => {
    expect(
      await checkAgainstCheckpoints({
        ...chain(7),
        newestFirst: stored(checkpoint(10), checkpoint(5)),
      }),
    ).toMatchObject({ kind: 'truncated', firstInvalidSequence: 8 });
  });

  it('reports a rewrite from the record after the newest checkpoint that still matches', async () => {
    expect(
      await checkAgainstCheckpoints({
        ...chain(14, 6),
        newestFirst: stored(checkpoint(12), checkpoint(10), checkpoint(5)),
      }),
    ).toMatchObject({
      kind: 'rewritten',
      firstInvalidSequence: 6,
      checkpoint: checkpoint(12),
    });
  });

  it('reports a rewrite of the whole chain from sequence 1 when no checkpoint matches and all were read', async () => {
    expect(
      await checkAgainstCheckpoints({
        ...chain(14, 1),
        newestFirst: stored(checkpoint(12), checkpoint(5)),
      }),
    ).toMatchObject({ kind: 'rewritten', firstInvalidSequence: 1 });
  });

  it('says no more than it knows when only some checkpoints were read: at the oldest one read', async () => {
    expect(
      await checkAgainstCheckpoints({
        ...chain(14, 1),
        complete: false,
        newestFirst: stored(checkpoint(12), checkpoint(5)),
      }),
    ).toMatchObject({ kind: 'rewritten', firstInvalidSequence: 5 });
  });

  it('ignores and counts a checkpoint without a valid signature, so a forged one cannot fake a truncation', async () => {
    expect(
      await checkAgainstCheckpoints({
        ...chain(12),
        newestFirst: [
          ...stored(checkpoint(99, 'forged')),
          { name: 'garbage' },
          ...stored(checkpoint(10)),
        ],
      }),
    ).toEqual({ kind: 'consistent', checkpoint: checkpoint(10), rejected: 2 });
  });

  it('finds where the newest records were removed when the head still claims to be past them', async () => {
    const removedFrom = 8;
    expect(
      await checkAgainstCheckpoints({
        ...chain(14),
        hashAt: (sequence: number) =>
          Promise.resolve(
            sequence >= removedFrom ? undefined : hashOf(sequence),
          ),
        newestFirst: stored(checkpoint(12), checkpoint(5)),
      }),
    ).toMatchObject({ kind: 'truncated', firstInvalidSequence: 8 });
  });
});
