import { randomInt } from 'node:crypto';
import { typedCollection, withThrottleRetry } from '@app/shared';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { FilterQuery, Model } from 'mongoose';
import type { AuditRecord } from './audit-record.dto';
import { AUDIT_RECORD_MODEL, AuditRecordDocument } from './audit-record.schema';
import { chainHash, ChainedContent, GENESIS_HASH } from './audit-chain';

export interface AuditFilter {
  resourceType?: string;
  resourceId?: string;
  patientId?: string;
  correlationId?: string;
  from?: Date;
  to?: Date;
}

/** A record's content before it has a place in the chain. */
export type UnchainedRecord = Omit<ChainedContent, 'sequence' | 'previousHash'>;

const DUPLICATE_KEY = 11000;
/** Appends that lost the race for a sequence retry this many times before giving up (-> 503). */
const MAX_APPEND_ATTEMPTS = 100;

/** Drops absent members; the driver would store `undefined` as null, which the hash does not cover. */
function withoutEmpty<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(
      ([, member]) => member !== undefined && member !== null,
    ),
  ) as T;
}

/** A nested caller object without empty members, or undefined when it was not stored. */
function callerFields<T extends object>(value: T | undefined): T | undefined {
  return value === undefined || value === null
    ? undefined
    : withoutEmpty(value);
}

export function toAuditRecord(doc: AuditRecordDocument): AuditRecord {
  const { type, id, operation } = doc.resource;
  const onBehalfOf = callerFields(doc.onBehalfOf);
  const record: AuditRecord = {
    id: doc.recordId,
    sequence: doc._id,
    createdDate: doc.createdDate.toISOString(),
    sourceSystemName: doc.sourceSystemName,
    resource: id === undefined ? { type, operation } : { type, id, operation },
    patientIds: doc.patientIds,
    outcome: doc.outcome,
    attemptId: doc.attemptId,
    correlationId: doc.correlationId,
    actor: doc.actor,
    clientAddress: doc.clientAddress,
    unverified: callerFields(doc.unverified),
    onBehalfOf: onBehalfOf && {
      ...onBehalfOf,
      unverified: callerFields(onBehalfOf.unverified),
    },
    previousHash: doc.previousHash,
    hash: doc.hash,
  };
  return withoutEmpty({
    ...record,
    onBehalfOf: record.onBehalfOf && withoutEmpty(record.onBehalfOf),
  });
}

/** The hashed content of a stored record, recomputed from what is stored (for verification). */
export function chainedContentOf(doc: AuditRecordDocument): ChainedContent {
  const { hash: _hash, ...record } = toAuditRecord(doc);
  return record;
}

function toFilter({
  resourceType,
  resourceId,
  patientId,
  correlationId,
  from,
  to,
}: AuditFilter): FilterQuery<AuditRecordDocument> {
  const filter: FilterQuery<AuditRecordDocument> = {};
  if (resourceType !== undefined) {
    filter['resource.type'] = resourceType;
  }
  if (resourceId !== undefined) {
    filter['resource.id'] = resourceId;
  }
  if (patientId !== undefined) {
    // Matches a record whose patientIds contain it (the multikey index on patientIds).
    filter.patientIds = patientId;
  }
  if (correlationId !== undefined) {
    filter.correlationId = correlationId;
  }
  if (from !== undefined || to !== undefined) {
    filter.createdDate = {
      ...(from && { $gte: from }),
      ...(to && { $lte: to }),
    };
  }
  return filter;
}

const isDuplicateKey = (error: unknown) =>
  (error as { code?: unknown } | null)?.code === DUPLICATE_KEY;

/** The audit register: an append-only hash chain. */
@Injectable()
export class AuditRecordsRepository {
  constructor(
    @InjectModel(AUDIT_RECORD_MODEL)
    private readonly model: Model<AuditRecordDocument>,
  ) {}

  /** The newest record, or undefined while the register is empty. */
  async head(): Promise<AuditRecordDocument | undefined> {
    const doc = await withThrottleRetry(() =>
      this.model
        .findOne({})
        .sort({ _id: -1 })
        .lean<AuditRecordDocument>()
        .exec(),
    );
    return doc ?? undefined;
  }

  /**
   * Appends a record at the head of the chain. Writers race by inserting the next sequence as `_id`;
   * the database lets exactly one win, and the others re-read the head and try the next one. No
   * in-process lock is involved, so any number of app instances append safely.
   */
  async append(record: UnchainedRecord): Promise<AuditRecord> {
    for (let attempt = 1; ; attempt++) {
      const head = await this.head();
      const content: ChainedContent = {
        ...record,
        sequence: (head?._id ?? 0) + 1,
        previousHash: head?.hash ?? GENESIS_HASH,
      };
      const { id, sequence, createdDate, ...fields } = content;
      const doc: AuditRecordDocument = withoutEmpty({
        ...fields,
        _id: sequence,
        _shardKey: String(sequence),
        recordId: id,
        createdDate: new Date(createdDate),
        hash: chainHash(content),
      });
      try {
        await withThrottleRetry(() =>
          typedCollection(this.model).insertOne(doc),
        );
        return toAuditRecord(doc);
      } catch (error) {
        if (!isDuplicateKey(error) || attempt >= MAX_APPEND_ATTEMPTS) {
          throw error;
        }
        // Another writer took this sequence; a little jitter keeps losers from colliding again.
        await new Promise((resolve) =>
          setTimeout(resolve, randomInt(0, Math.min(20, attempt * 2) + 1)),
        );
      }
    }
  }

  /** Up to `limit` matching records with a sequence below `beforeSequence`, newest first. */
  async query(
    filter: AuditFilter,
    limit: number,
    beforeSequence?: number,
  ): Promise<AuditRecord[]> {
    const query = toFilter(filter);
    if (beforeSequence !== undefined) {
      query._id = { $lt: beforeSequence };
    }
    const docs = await withThrottleRetry(() =>
      this.model
        .find(query)
        .sort({ _id: -1 })
        .limit(limit)
        .lean<AuditRecordDocument[]>()
        .exec(),
    );
    return docs.map(toAuditRecord);
  }

  /** The record at `sequence`, if any. */
  async at(sequence: number): Promise<AuditRecordDocument | undefined> {
    const doc = await withThrottleRetry(() =>
      this.model
        .findOne({ _id: sequence, _shardKey: String(sequence) })
        .lean<AuditRecordDocument>()
        .exec(),
    );
    return doc ?? undefined;
  }

  /** Stored documents with `_id` from `from` to `to` in ascending order, in batches of `batchSize`. */
  async range(
    from: number,
    to: number,
    batchSize: number,
  ): Promise<AuditRecordDocument[]> {
    return withThrottleRetry(() =>
      this.model
        .find({ _id: { $gte: from, $lte: to } })
        .sort({ _id: 1 })
        .limit(batchSize)
        .lean<AuditRecordDocument[]>()
        .exec(),
    );
  }
}
