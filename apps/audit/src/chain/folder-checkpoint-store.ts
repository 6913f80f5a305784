import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Checkpoint, CHECKPOINT_NAME, checkpointName } from './checkpoint';
import {
  CheckpointExistsError,
  CheckpointStore,
  parseStored,
  StoredCheckpoint,
} from './checkpoint-store';

/**
 * Checkpoints as read-only files in a folder (CHECKPOINT_DIR), for a laptop or a test. Exclusive
 * creation makes a second writer of the same sequence fail instead of replacing the file; the folder
 * protects nothing against someone who can write to it, which is what the blob store is for.
 */
export class FolderCheckpointStore extends CheckpointStore {
  readonly location: string;

  constructor(private readonly dir: string) {
    super();
    this.location = resolve(dir);
  }

  async create(checkpoint: Checkpoint): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    try {
      await writeFile(
        join(this.dir, checkpointName(checkpoint.sequence)),
        JSON.stringify(checkpoint),
        { flag: 'wx', mode: 0o444 },
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new CheckpointExistsError(checkpoint.sequence);
      }
      throw error;
    }
  }

  async newest(count: number): Promise<StoredCheckpoint[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return [];
      }
      throw error;
    }
    const newest = names
      .filter((name) => CHECKPOINT_NAME.test(name))
      .sort()
      .slice(0, count);
    return Promise.all(
      newest.map(async (name) =>
        parseStored(name, await readFile(join(this.dir, name), 'utf8')),
      ),
    );
  }
}
