import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Checkpoint } from './checkpoint';
import { CheckpointExistsError } from './checkpoint-store';
import { FolderCheckpointStore } from './folder-checkpoint-store';

const checkpoint = (sequence: number, hash = 'a'.repeat(64)): Checkpoint => ({
  sequence,
  hash,
  createdDate: '2026-01-01T00:00:00.000Z',
  algorithm: 'ES256',
  keyId: 'local:0123456789abcdef',
  signature: 'c2lnbmVk',
});

describe('FolderCheckpointStore', () => {
  let dir: string;
  let store: FolderCheckpointStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'checkpoints-'));
    store = new FolderCheckpointStore(join(dir, 'nested'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists nothing before the first checkpoint, even without the folder', async () => {
    expect(await store.newest(5)).toEqual([]);
  });

  it('lists checkpoints highest sequence first, across digit counts', async () => {
    for (const sequence of [9, 100, 10, 1]) {
      await store.create(checkpoint(sequence));
    }
    expect(
      (await store.newest(3)).map((stored) => stored.checkpoint?.sequence),
    ).toEqual([100, 10, 9]);
  });

  it('never replaces a stored checkpoint: a second one for the same sequence is refused', async () => {
    await store.create(checkpoint(4));
    await expect(store.create(checkpoint(4, 'b'.repeat(64)))).rejects.toThrow(
      CheckpointExistsError,
    );
    expect((await store.newest(1))[0].checkpoint?.hash).toBe('a'.repeat(64));
  });

  it('keeps a file that is not a checkpoint as unreadable instead of dropping it, and ignores other names', async () => {
    await store.create(checkpoint(2));
    const [name] = readdirSync(join(dir, 'nested'));
    const forgedName = name
      .replace(/-2\.json$/, '-3.json')
      .replace(/\d{16}/, (n) => String(Number(n) - 1).padStart(16, '0'));
    writeFileSync(join(dir, 'nested', forgedName), '{"sequence": "nope"}');
    writeFileSync(join(dir, 'nested', 'notes.txt'), 'hello');

    expect(await store.newest(5)).toEqual([
      { name: forgedName },
      { name, checkpoint: checkpoint(2) },
    ]);
  });
});
