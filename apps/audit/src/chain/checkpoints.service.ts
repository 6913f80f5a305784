import {
  DomainError,
  NotFoundError,
  UnavailableError,
} from '@app/shared/errors';
import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { AuditRecordsRepository } from '../audit-records/audit-records.repository';
import { AuditConfig } from '../config/audit.config';
import {
  Checkpoint,
  CHECKPOINT_ALGORITHM,
  hasValidSignature,
  signedPayload,
} from './checkpoint';
import { checkAgainstCheckpoints, CheckpointFinding } from './checkpoint-check';
import { CheckpointSigner } from './checkpoint-signer';
import { CheckpointExistsError, CheckpointStore } from './checkpoint-store';

/** Checkpoints examined when a rewrite is found, to find the newest one that still matches. */
const CHECKPOINTS_SEARCHED = 1000;

/**
 * Signs the chain head and keeps it outside the database, on a schedule (CHECKPOINT_INTERVAL_SECONDS)
 * and on demand, and compares the chain with the checkpoints. `store` and `signer` are null when no
 * store is configured: then there are no checkpoints and verify says so.
 */
@Injectable()
export class CheckpointsService
  implements OnApplicationBootstrap, OnApplicationShutdown
{
  private readonly logger = new Logger(CheckpointsService.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repository: AuditRecordsRepository,
    private readonly config: AuditConfig,
    @Inject(CheckpointStore) private readonly store: CheckpointStore | null,
    @Inject(CheckpointSigner) private readonly signer: CheckpointSigner | null,
  ) {}

  onApplicationBootstrap() {
    const seconds = this.config.CHECKPOINT_INTERVAL_SECONDS;
    if (!this.store || seconds === 0) {
      return;
    }
    this.timer = setInterval(() => void this.scheduled(), seconds * 1000);
    // The schedule never keeps a process alive that is otherwise done.
    this.timer.unref();
  }

  onApplicationShutdown() {
    clearInterval(this.timer);
  }

  /**
   * Signs and stores the current head, unless the newest checkpoint already has it. When another
   * instance checkpoints the same sequence first, its checkpoint is the answer. Never signs a chain
   * that no longer matches the checkpoints: a new checkpoint over a truncated or rewritten chain would
   * hide what happened.
   */
  async create(): Promise<Checkpoint> {
    const { store, signer } = this.configured();
    const head = await this.repository.head();
    if (head.sequence === 0) {
      throw new DomainError(
        'CHAIN_EMPTY',
        409,
        'The register has no records yet: there is no head to checkpoint.',
      );
    }
    const finding = await this.check(head.sequence);
    if (finding?.kind === 'truncated' || finding?.kind === 'rewritten') {
      throw new DomainError(
        'CHAIN_INCONSISTENT',
        409,
        `The chain no longer matches its checkpoints from sequence ${finding.firstInvalidSequence}: not signing it.`,
      );
    }
    if (
      finding?.checkpoint?.sequence === head.sequence &&
      finding.checkpoint.hash === head.hash
    ) {
      return finding.checkpoint;
    }
    const statement = {
      sequence: head.sequence,
      hash: head.hash,
      createdDate: new Date().toISOString(),
    };
    const { signature, keyId } = await reached(
      signer.sign(signedPayload(statement)),
    );
    const checkpoint: Checkpoint = {
      ...statement,
      algorithm: CHECKPOINT_ALGORITHM,
      keyId,
      signature,
    };
    try {
      await reached(store.create(checkpoint));
      return checkpoint;
    } catch (error) {
      if (!(error instanceof CheckpointExistsError)) {
        throw error;
      }
      const winner = await this.newestAuthentic(store, signer);
      if (winner?.sequence === head.sequence) {
        return winner;
      }
      // Something without a valid signature holds this sequence's name: verify reports it.
      throw new DomainError(
        'CHECKPOINT_CONFLICT',
        409,
        `The store already holds something else under sequence ${head.sequence}; the next record's checkpoint can be stored.`,
      );
    }
  }

  /** The newest checkpoint with a valid signature. */
  async latest(): Promise<Checkpoint> {
    const { store, signer } = this.configured();
    const newest = await this.newestAuthentic(store, signer);
    if (!newest) {
      throw new NotFoundError(
        'CHECKPOINT_NOT_FOUND',
        'No signed checkpoint has been stored yet.',
      );
    }
    return newest;
  }

  /** Compares the chain, whose head is `headSequence`, with the stored checkpoints. */
  async check(headSequence: number): Promise<CheckpointFinding | undefined> {
    if (!this.store || !this.signer) {
      return undefined;
    }
    const signer = this.signer;
    const evidence = {
      headSequence,
      hashAt: async (sequence: number) =>
        (await this.repository.at(sequence))?.hash,
      isAuthentic: (checkpoint: Checkpoint) => isSignedBy(checkpoint, signer),
    };
    // The newest checkpoint settles the common case with one read; a wider search runs only when it
    // does not (a rejected signature, a truncation or a rewrite, whose start it then finds).
    const newest = await reached(this.store.newest(1));
    const finding = await checkAgainstCheckpoints({
      ...evidence,
      newestFirst: newest,
      complete: newest.length === 0,
    });
    if (
      newest.length === 0 ||
      (finding.kind === 'consistent' && finding.rejected === 0)
    ) {
      return finding;
    }
    const more = await reached(this.store.newest(CHECKPOINTS_SEARCHED));
    return checkAgainstCheckpoints({
      ...evidence,
      newestFirst: more,
      complete: more.length < CHECKPOINTS_SEARCHED,
    });
  }

  private async scheduled() {
    try {
      const checkpoint = await this.create();
      this.logger.log(`Checkpoint at sequence ${checkpoint.sequence}`);
    } catch (error) {
      if (error instanceof DomainError && error.code === 'CHAIN_EMPTY') {
        return;
      }
      // The message names the failing dependency; the next tick tries again.
      this.logger.error(
        `Scheduled checkpoint failed: ${(error as Error).message}`,
      );
    }
  }

  private configured(): { store: CheckpointStore; signer: CheckpointSigner } {
    if (!this.store || !this.signer) {
      throw new DomainError(
        'CHECKPOINTS_NOT_CONFIGURED',
        409,
        'This audit service keeps no checkpoints (set CHECKPOINT_CONTAINER_URL or CHECKPOINT_DIR).',
      );
    }
    return { store: this.store, signer: this.signer };
  }

  private async newestAuthentic(
    store: CheckpointStore,
    signer: CheckpointSigner,
  ): Promise<Checkpoint | undefined> {
    for (const stored of await reached(store.newest(10))) {
      if (stored.checkpoint && (await isSignedBy(stored.checkpoint, signer))) {
        return stored.checkpoint;
      }
    }
    return undefined;
  }
}

/**
 * Key Vault or the checkpoint store failing is a dependency being unavailable (503, retry later), not
 * a fault of the request; a taken sequence is passed on for `create` to handle.
 */
async function reached<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof CheckpointExistsError) {
      throw error;
    }
    throw new UnavailableError(
      'CHECKPOINTS_UNAVAILABLE',
      'The checkpoint key or store cannot be reached; try again later.',
      30,
      error,
    );
  }
}

async function isSignedBy(
  checkpoint: Checkpoint,
  signer: CheckpointSigner,
): Promise<boolean> {
  const key = await reached(signer.publicKey(checkpoint.keyId));
  return key !== undefined && hasValidSignature(checkpoint, key);
}
