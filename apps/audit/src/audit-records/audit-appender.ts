import {
  isDuplicateKey,
  isThrottlingError,
  retryAfterMsOf,
} from '@app/shared/database';
import { UnavailableError } from '@app/shared/errors';
import {
  idempotencyKeyInFlight,
  idempotencyKeyReused,
  IdempotencyScope,
  IDEMPOTENCY_KEY_TTL_MS,
} from '@app/shared/idempotency';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { AuditRecord } from './audit-record.dto';
import type { AuditRecordDocument } from './audit-record.schema';
import type { AppendKeyDocument } from './append-key.schema';
import { AppendKeysRepository } from './append-keys.repository';
import {
  AuditRecordsRepository,
  ChainPosition,
  toAuditRecord,
  toAuditRecordDocument,
  UnchainedRecord,
} from './audit-records.repository';

/** One append as the caller asks for it. */
export interface AppendRequest {
  record: UnchainedRecord;
  /** Epoch ms after which the caller no longer waits: no write is started for it after this. */
  deadline: number;
  /** Aborted when the caller has gone (its connection closed). */
  signal?: AbortSignal;
  idempotency?: IdempotencyScope;
}

export interface AppendResult {
  record: AuditRecord;
  /** True when an earlier request with the same Idempotency-Key appended it. */
  replayed: boolean;
}

interface Pending extends AppendRequest {
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
  settled: boolean;
  /** Its Idempotency-Key is held by this append (to be freed if it writes nothing). */
  claimed?: boolean;
  timer?: NodeJS.Timeout;
}

/** Records in one write; larger groups wait for the next round trip. */
const MAX_BATCH = 256;
/** Appends waiting at once; beyond it the app sheds load (503) instead of queueing past any deadline. */
const MAX_QUEUED = 10_000;
/** A claimed key whose record is still missing this long after the caller's deadline was abandoned. */
const CLAIM_GRACE_MS = 30_000;
/** Bounds of the expected write time, which a write must fit in before the caller's deadline. */
const MIN_WRITE_MS = 5;
const MAX_WRITE_MS = 1000;
/** At most one head hint write per interval (the first one at once). */
const HINT_INTERVAL_MS = 1000;

const deadlinePassed = () =>
  new UnavailableError(
    'AUDIT_DEADLINE_EXCEEDED',
    "The record could not be appended within the caller's time budget; nothing was written.",
    1,
  );

const sleep = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * How many documents of a failed ordered insert were stored (those before the first write error), and
 * that error; undefined when the outcome is unknown (e.g. the connection dropped mid-write).
 */
function insertOutcome(
  error: unknown,
): { stored: number; cause: unknown } | undefined {
  const writeErrors = (error as { writeErrors?: unknown } | null)?.writeErrors;
  const first = (Array.isArray(writeErrors) ? writeErrors[0] : writeErrors) as
    { index?: unknown } | undefined;
  if (typeof first?.index === 'number') {
    return { stored: first.index, cause: first };
  }
  // A command refused as a whole (e.g. throttled) stored nothing; its error may come wrapped.
  const response = (error as { errorResponse?: unknown }).errorResponse;
  const cause = response instanceof Error ? response : error;
  if (isDuplicateKey(cause) || isThrottlingError(cause)) {
    return { stored: 0, cause };
  }
  return undefined;
}

/**
 * Appends records to the chain with group commit: the appends that arrive while a write is in flight
 * are chained together (each record still hashes its predecessor) and stored by the next single
 * ordered insert, so N waiting appends cost about one round trip, and one append alone is written at
 * once. Several instances stay correct: a taken sequence fails the insert at that record (duplicate
 * `_id`), the records before it are stored and acknowledged, and the rest are re-chained after the
 * real head and written again; nothing is lost or written twice.
 *
 * Work is bounded by each caller's deadline: no write starts for an append whose caller has given up
 * (deadline passed, or connection closed), and a queued append whose deadline passes is answered 503
 * at once. So a record exists if and only if its caller was told it was appended, except when the
 * database fails mid-write with an unknown outcome (a dropped connection): then the caller gets 503 and
 * the record may exist, an access recorded but refused, never an access done without its record.
 */
@Injectable()
export class AuditAppender implements OnApplicationShutdown {
  private readonly logger = new Logger(AuditAppender.name);
  private readonly queue: Pending[] = [];
  private writing = false;
  /** Where this instance last saw the chain end; re-read from the database when another writer moved it. */
  private tip?: ChainPosition;
  /** Moving average of one write's time, the margin a write needs before a deadline. */
  private writeMs = MIN_WRITE_MS;
  private hintTarget?: ChainPosition;
  private hintTimer?: NodeJS.Timeout;
  private lastHintAt = 0;

  constructor(
    private readonly records: AuditRecordsRepository,
    private readonly keys: AppendKeysRepository,
  ) {}

  append(request: AppendRequest): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      const pending: Pending = { ...request, resolve, reject, settled: false };
      if (!this.live(pending)) {
        return reject(deadlinePassed());
      }
      if (this.queue.length >= MAX_QUEUED) {
        return reject(
          new UnavailableError(
            'AUDIT_OVERLOADED',
            'Too many appends are waiting; nothing was written.',
            1,
          ),
        );
      }
      pending.timer = setTimeout(
        () => this.dropQueued(pending, deadlinePassed()),
        request.deadline - Date.now(),
      );
      request.signal?.addEventListener(
        'abort',
        () => this.dropQueued(pending, deadlinePassed()),
        { once: true },
      );
      this.queue.push(pending);
      void this.writeQueued();
    });
  }

  onApplicationShutdown(): void {
    clearTimeout(this.hintTimer);
    for (const pending of this.queue.splice(0)) {
      this.fail(pending, deadlinePassed(), { written: false });
    }
  }

  /** Writes batches until the queue is empty; one batch in flight at a time. */
  private async writeQueued(): Promise<void> {
    if (this.writing) {
      return;
    }
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        for (const pending of batch) {
          clearTimeout(pending.timer);
        }
        await this.commit(batch).catch((error: unknown) => {
          // The outcome of the unsettled records is unknown: they fail, and their keys stay claimed
          // until their claim runs out, so a retry cannot write a second record.
          this.tip = undefined;
          for (const pending of batch) {
            this.fail(pending, error, { written: 'unknown' });
          }
        });
      }
    } finally {
      this.writing = false;
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    let unwritten: Pending[];
    try {
      unwritten = await this.claimKeys(batch);
    } catch (error) {
      // Nothing was appended yet: the claims made are freed again.
      for (const pending of batch) {
        this.fail(pending, error, { written: false });
      }
      return;
    }
    // Why the last write attempt failed: a deadline that passes while the database throttles is
    // answered as throttling, which says more than the deadline.
    let lastFailure: unknown;
    while (unwritten.length > 0) {
      unwritten = unwritten.filter((pending) => {
        if (this.live(pending)) {
          return true;
        }
        this.fail(pending, lastFailure ?? deadlinePassed(), { written: false });
        return false;
      });
      if (unwritten.length === 0) {
        return;
      }
      this.tip ??= await this.records.appendPosition();
      const docs = chainAfter(this.tip, unwritten);
      const started = Date.now();
      try {
        await this.records.insertChained(docs);
        this.stored(unwritten, docs);
        this.writeMs = clampWriteMs(
          0.8 * this.writeMs + 0.2 * (Date.now() - started),
        );
        return;
      } catch (error) {
        const outcome = insertOutcome(error);
        if (outcome === undefined) {
          throw error;
        }
        this.stored(unwritten.slice(0, outcome.stored), docs);
        unwritten = unwritten.slice(outcome.stored);
        if (isDuplicateKey(outcome.cause)) {
          // Another instance took the next sequence: continue after the real head.
          this.tip = await this.records.appendPosition(this.tip);
        } else if (isThrottlingError(outcome.cause)) {
          lastFailure = outcome.cause;
          await sleep(throttledForMs(outcome.cause) ?? this.writeMs);
        } else {
          throw error;
        }
      }
    }
  }

  /** Acknowledges the first records of `docs` (one per appended pending) and moves the tip to the last. */
  private stored(appended: Pending[], docs: AuditRecordDocument[]): void {
    appended.forEach((pending, n) => {
      this.settle(pending, () =>
        pending.resolve({ record: toAuditRecord(docs[n]), replayed: false }),
      );
    });
    if (appended.length > 0) {
      const last = docs[appended.length - 1];
      this.tip = { sequence: last._id, hash: last.hash };
      this.publishHint(this.tip);
    }
  }

  /**
   * Claims the batch's Idempotency-Keys in one write. Keys another request holds are answered here
   * (replay, 409 or 422) or taken over when that request is gone; returns the appends left to write.
   */
  private async claimKeys(batch: Pending[]): Promise<Pending[]> {
    const keyed = batch.filter((pending) => pending.idempotency);
    if (keyed.length > 0) {
      const now = Date.now();
      const held = await this.keys.claimAll(
        keyed.map((pending) => keyDocument(pending, now)),
      );
      keyed.forEach((pending, n) => (pending.claimed = !held.has(n)));
      await Promise.all(
        keyed
          .filter((_, n) => held.has(n))
          .map((pending) =>
            this.resolveHeldKey(pending, now).catch((error: unknown) =>
              this.fail(pending, error, { written: false }),
            ),
          ),
      );
    }
    return batch.filter((pending) => !pending.settled);
  }

  private async resolveHeldKey(pending: Pending, now: number): Promise<void> {
    const scope = pending.idempotency!;
    const existing = await this.keys.find(scope.id);
    const current = existing && existing.expiresAt.getTime() > now;
    if (current && existing.fingerprint !== scope.fingerprint) {
      return this.fail(pending, idempotencyKeyReused(), { written: false });
    }
    if (current) {
      const original = await this.records.byRecordId(existing.recordId);
      if (original) {
        return this.settle(pending, () =>
          pending.resolve({ record: toAuditRecord(original), replayed: true }),
        );
      }
      if (existing.claimedUntil.getTime() > now) {
        return this.fail(pending, idempotencyKeyInFlight(), { written: false });
      }
    }
    pending.claimed = await this.keys.takeOver(
      keyDocument(pending, now),
      existing?.recordId,
    );
    if (!pending.claimed) {
      this.fail(pending, idempotencyKeyInFlight(), { written: false });
    }
  }

  /** Still worth writing: the caller waits, and the write can be done before its deadline. */
  private live(pending: AppendRequest): boolean {
    return (
      !pending.signal?.aborted && Date.now() + this.writeMs < pending.deadline
    );
  }

  private dropQueued(pending: Pending, error: unknown): void {
    const at = this.queue.indexOf(pending);
    if (at >= 0) {
      this.queue.splice(at, 1);
      this.fail(pending, error, { written: false });
    }
  }

  private fail(
    pending: Pending,
    error: unknown,
    { written }: { written: false | 'unknown' },
  ): void {
    this.settle(pending, () => pending.reject(error));
    // A key whose record surely does not exist is freed, so the client may retry with it at once.
    if (written === false && pending.claimed && pending.idempotency) {
      this.keys
        .release(pending.idempotency.id, pending.record.id)
        .catch(() =>
          this.logger.warn(
            { correlationId: pending.record.correlationId },
            'could not release an idempotency key',
          ),
        );
    }
  }

  private settle(pending: Pending, answer: () => void): void {
    if (!pending.settled) {
      pending.settled = true;
      clearTimeout(pending.timer);
      answer();
    }
  }

  /**
   * Moves the head hint to the newest stored record at most once per HINT_INTERVAL_MS, off the
   * append path: under load one hint write covers many batches, and readers walk forward from it.
   */
  private publishHint(position: ChainPosition): void {
    this.hintTarget = position;
    if (this.hintTimer) {
      return;
    }
    this.hintTimer = setTimeout(
      () => {
        const target = this.hintTarget!;
        this.hintTarget = undefined;
        this.records
          .advanceHeadHint(target)
          .catch(() =>
            // Only a hint: readers walk forward from an older one.
            this.logger.warn('could not move the chain head hint'),
          )
          .finally(() => {
            this.lastHintAt = Date.now();
            this.hintTimer = undefined;
            if (this.hintTarget) {
              this.publishHint(this.hintTarget);
            }
          });
      },
      Math.max(0, this.lastHintAt + HINT_INTERVAL_MS - Date.now()),
    ).unref();
  }
}

function chainAfter(
  tip: ChainPosition,
  appends: AppendRequest[],
): AuditRecordDocument[] {
  let previous = tip;
  return appends.map(({ record }) => {
    const doc = toAuditRecordDocument({
      ...record,
      sequence: previous.sequence + 1,
      previousHash: previous.hash,
    });
    previous = { sequence: doc._id, hash: doc.hash };
    return doc;
  });
}

function keyDocument(pending: Pending, now: number): AppendKeyDocument {
  const { id, fingerprint } = pending.idempotency!;
  return {
    _id: id,
    _shardKey: id,
    fingerprint,
    recordId: pending.record.id,
    claimedUntil: new Date(pending.deadline + CLAIM_GRACE_MS),
    expiresAt: new Date(now + IDEMPOTENCY_KEY_TTL_MS),
  };
}

/** Cosmos DB's wait, from a failed command's message or a write error's `errmsg`. */
const throttledForMs = (cause: unknown) =>
  retryAfterMsOf(cause) ??
  retryAfterMsOf({ message: (cause as { errmsg?: unknown }).errmsg });

const clampWriteMs = (ms: number) =>
  Math.min(MAX_WRITE_MS, Math.max(MIN_WRITE_MS, ms));
