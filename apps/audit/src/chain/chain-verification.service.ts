import { Injectable } from '@nestjs/common';
import { chainHash, GENESIS_HASH } from '../audit-records/audit-chain';
import {
  AuditRecordsRepository,
  chainedContentOf,
  toAuditRecord,
} from '../audit-records/audit-records.repository';
import type {
  ChainExport,
  ChainVerification,
  ExportQuery,
  VerifyQuery,
} from './chain.dto';
import { EXPORT_MAX_RECORDS, VERIFY_MAX_RANGE } from './chain.dto';
import { CheckpointsService } from './checkpoints.service';

/** Records read per database round trip while verifying. */
const VERIFY_BATCH = 1000;

interface Break {
  sequence: number;
  reason: NonNullable<ChainVerification['reason']>;
}

/** Whether the register is intact: the hash chain itself, and the chain against its signed checkpoints. */
@Injectable()
export class ChainVerificationService {
  constructor(
    private readonly repository: AuditRecordsRepository,
    private readonly checkpoints: CheckpointsService,
  ) {}

  /**
   * Walks at most {@link VERIFY_MAX_RANGE} records from `from` (`next` says where to go on) and
   * reports the first sequence where the chain breaks: a changed record (its hash), a deleted one (a
   * gap), an inserted or reordered one (the sequence or the previous hash no longer fits). Every call
   * also compares the head with the newest signed checkpoint, which catches what the chain cannot:
   * the newest records removed, or the chain rewritten with recomputed hashes. A range beyond the
   * head checks nothing and is valid.
   */
  async verify({ from = 1, to }: VerifyQuery): Promise<ChainVerification> {
    const head = await this.repository.head();
    const end = Math.min(to ?? head.sequence, head.sequence);
    const last = Math.min(end, from + VERIFY_MAX_RANGE - 1);
    const walked = await this.walk(from, last);
    const finding = await this.checkpoints.check(head.sequence);

    const breaks: Break[] = [];
    if (walked.broken) {
      breaks.push(walked.broken);
    }
    // The head is where consecutive records stop; a record past it means a gap right after it.
    const [beyond] = await this.repository.range(
      head.sequence + 1,
      Number.MAX_SAFE_INTEGER,
      1,
    );
    if (beyond) {
      breaks.push({ sequence: head.sequence + 1, reason: 'record-missing' });
    }
    if (finding?.kind === 'truncated' || finding?.kind === 'rewritten') {
      breaks.push({
        sequence: finding.firstInvalidSequence,
        reason: finding.kind,
      });
    }
    const first = breaks.sort((a, b) => a.sequence - b.sequence)[0];
    const rejected = finding?.rejected ? finding.rejected : undefined;
    const checkpoint = finding?.checkpoint && {
      sequence: finding.checkpoint.sequence,
      createdDate: finding.checkpoint.createdDate,
      keyId: finding.checkpoint.keyId,
    };
    return {
      valid: first === undefined && rejected === undefined,
      checked: walked.checked,
      ...(first
        ? { firstInvalidSequence: first.sequence, reason: first.reason }
        : rejected && { reason: 'checkpoint-rejected' as const }),
      ...(last < end && !walked.broken && { next: last + 1 }),
      head,
      ...(checkpoint && { checkpoint }),
      ...(rejected && { rejectedCheckpoints: rejected }),
    };
  }

  /** Records in chain order from `from`, at most `limit`, with `next` when more follow. */
  async export({
    from = 1,
    limit = EXPORT_MAX_RECORDS,
  }: ExportQuery): Promise<ChainExport> {
    const docs = await this.repository.range(
      from,
      Number.MAX_SAFE_INTEGER,
      limit + 1,
    );
    const records = docs.slice(0, limit).map(toAuditRecord);
    return docs.length > limit
      ? { records, next: docs[limit]._id }
      : { records };
  }

  private async walk(
    from: number,
    last: number,
  ): Promise<{ checked: number; broken?: Break }> {
    if (from > last) {
      return { checked: 0 };
    }
    let previousHash =
      from === 1 ? GENESIS_HASH : (await this.repository.at(from - 1))?.hash;
    if (previousHash === undefined) {
      return {
        checked: 0,
        broken: { sequence: from - 1, reason: 'record-missing' },
      };
    }
    let expected = from;
    let checked = 0;
    while (expected <= last) {
      const batch = await this.repository.range(expected, last, VERIFY_BATCH);
      if (batch.length === 0) {
        return {
          checked,
          broken: { sequence: expected, reason: 'record-missing' },
        };
      }
      for (const doc of batch) {
        if (doc._id !== expected) {
          return {
            checked,
            broken: { sequence: expected, reason: 'record-missing' },
          };
        }
        const intact =
          doc.previousHash === previousHash &&
          chainHash(chainedContentOf(doc)) === doc.hash;
        if (!intact) {
          return {
            checked,
            broken: { sequence: expected, reason: 'record-changed' },
          };
        }
        previousHash = doc.hash;
        expected++;
        checked++;
      }
    }
    return { checked };
  }
}
