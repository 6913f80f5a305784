import type { TokenCredential } from '@azure/identity';
import type { ContainerClient } from '@azure/storage-blob';
import { Checkpoint, CHECKPOINT_NAME, checkpointName } from './checkpoint';
import {
  CheckpointExistsError,
  CheckpointStore,
  parseStored,
  StoredCheckpoint,
} from './checkpoint-store';

const isRestError = (error: unknown, status: number) =>
  (error as { statusCode?: unknown } | null)?.statusCode === status;

/** A URL carrying a shared access signature needs no other credential. */
const hasSharedAccessSignature = (url: string) =>
  new URL(url).searchParams.has('sig');

/**
 * Checkpoints as blobs in a container (CHECKPOINT_CONTAINER_URL). In Azure the container has a
 * time-based immutability policy, so not even the account's owners can change or delete a checkpoint
 * until it expires; the audit app's identity may only create blobs. Every write is also conditional
 * on the blob not existing (`If-None-Match: *`), so two instances can never replace each other's
 * checkpoint, with or without the policy (e.g. on Azurite).
 */
export class BlobCheckpointStore extends CheckpointStore {
  readonly location: string;

  private constructor(private readonly container: ContainerClient) {
    super();
    this.location = `${container.url.split('?')[0]}`;
  }

  /**
   * Opens the container at `url`: with the URL's own shared access signature when it has one (an
   * auditor's read-only link, or Azurite), else with `credential` (the managed identity in Azure).
   */
  static async open(
    url: string,
    credential: () => Promise<TokenCredential>,
  ): Promise<BlobCheckpointStore> {
    // Loaded only when configured: the SDK is large and most local runs never need it.
    const { ContainerClient } = await import('@azure/storage-blob');
    const container = hasSharedAccessSignature(url)
      ? new ContainerClient(url)
      : new ContainerClient(url, await credential());
    return new BlobCheckpointStore(container);
  }

  async create(checkpoint: Checkpoint): Promise<void> {
    const body = JSON.stringify(checkpoint);
    try {
      await this.container
        .getBlockBlobClient(checkpointName(checkpoint.sequence))
        .upload(body, Buffer.byteLength(body), {
          conditions: { ifNoneMatch: '*' },
          blobHTTPHeaders: { blobContentType: 'application/json' },
        });
    } catch (error) {
      // 409 BlobAlreadyExists (and 412 from some emulators): that sequence is already checkpointed.
      if (isRestError(error, 409) || isRestError(error, 412)) {
        throw new CheckpointExistsError(checkpoint.sequence);
      }
      throw error;
    }
  }

  async newest(count: number): Promise<StoredCheckpoint[]> {
    const names: string[] = [];
    // Names sort newest first, so the first pages hold the newest checkpoints.
    for await (const page of this.container
      .listBlobsFlat()
      .byPage({ maxPageSize: Math.min(count, 5000) })) {
      for (const blob of page.segment.blobItems) {
        if (CHECKPOINT_NAME.test(blob.name)) {
          names.push(blob.name);
        }
      }
      if (names.length >= count) {
        break;
      }
    }
    return Promise.all(
      names.slice(0, count).map(async (name) => {
        const content = await this.container
          .getBlobClient(name)
          .downloadToBuffer();
        return parseStored(name, content.toString('utf8'));
      }),
    );
  }
}
