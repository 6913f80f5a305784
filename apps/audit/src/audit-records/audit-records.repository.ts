import {
  isDuplicateKey,
  typedCollection,
  unretriedCollection,
} from '@app/shared/database';
import { withoutEmpty } from '@app/shared/json';
import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { FilterQuery, Model } from 'mongoose';
import type { AuditRecord } from './audit-record.dto';
import { AUDIT_RECORD_MODEL, AuditRecordDocument } from './audit-record.schema';
import { chainHash, ChainedContent, GENESIS_HASH } from './audit-chain';
import {
  CHAIN_HEAD_ID,
  CHAIN_HEAD_MODEL,
  ChainHeadDocument,
} from './chain-head.schema';

export interface AuditFilter {
  resourceType?: string;
  resourceId?: string;
  patientId?: string;
  correlationId?: string;
  actor?: string;
  from?: Date;
  to?: Date;
}

/** A record's content before it has a place in the chain. */
export type UnchainedRecord = Omit<ChainedContent, 'sequence' | 'previousHash'>;

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
  actor,
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
  if (actor !== undefined) {
    // The verified caller, or the client it acted for: an investigator asks about either. No index:
    // a rare auditor's query, which may scan, rather than an index every append must maintain.
    filter.$or = [{ actor }, { 'onBehalfOf.actor': actor }];
  }
  if (from !== undefined || to !== undefined) {
    filter.createdDate = {
      ...(from && { $gte: from }),
      ...(to && { $lte: to }),
    };
  }
  return filter;
}

/** A place in the chain: a stored record's sequence and hash (sequence 0: before the first record). */
export interface ChainPosition {
  sequence: number;
  hash: string;
}

export const CHAIN_START: ChainPosition = { sequence: 0, hash: GENESIS_HASH };

/** Records probed by the first round trip when walking forward from the head hint, and at most. */
const FIRST_PROBE_WINDOW = 16;
const MAX_PROBE_WINDOW = 1024;

/** The stored form of a record at its place in the chain. */
export function toAuditRecordDocument(
  content: ChainedContent,
): AuditRecordDocument {
  const { id, sequence, createdDate, ...fields } = content;
  return withoutEmpty({
    ...fields,
    _id: sequence,
    _shardKey: String(sequence),
    recordId: id,
    createdDate: new Date(createdDate),
    hash: chainHash(content),
  });
}

const byId = (sequence: number) => ({
  _id: sequence,
  _shardKey: String(sequence),
});

/**
 * The audit register: an append-only hash chain. Every call on the append path addresses documents
 * by `_id` and shard key (no sort, no scan, no cross-partition query), so its cost does not grow with
 * the register; the chain's order and uniqueness come from the database's unique `_id`, which lets
 * exactly one writer take each sequence, on any number of app instances.
 */
@Injectable()
export class AuditRecordsRepository {
  constructor(
    @InjectModel(AUDIT_RECORD_MODEL)
    private readonly model: Model<AuditRecordDocument>,
    @InjectModel(CHAIN_HEAD_MODEL)
    private readonly heads: Model<ChainHeadDocument>,
  ) {}

  /** Stores consecutive records in one ordered write; a taken sequence fails it there (duplicate key). */
  async insertChained(docs: AuditRecordDocument[]): Promise<void> {
    // Not retried here, unlike every other database call: the appender handles a throttled batch
    // itself, within each request's deadline (audit-appender.ts), and a retry here would spend it.
    const records = unretriedCollection(this.model);
    // One record alone (every append when requests do not overlap) goes by insertOne: the driver's
    // bulk path that insertMany takes costs a measurable part of a lone append. A refused insertOne
    // (duplicate sequence, throttled) stored nothing, which is what the appender assumes of it.
    if (docs.length === 1) {
      await records.insertOne(docs[0]);
    } else {
      await records.insertMany(docs, { ordered: true });
    }
  }

  /**
   * Where appends continue: the newest record, found by walking forward from the head hint (or from
   * `known`, when that is further on). Cheap, but it stops at a gap, so readers that must see past one
   * (verify) use `head()`.
   */
  async appendPosition(known?: ChainPosition): Promise<ChainPosition> {
    const hint = (await this.readHeadHint()) ?? (await this.hintFromHead());
    return this.tipFrom(known && known.sequence > hint.sequence ? known : hint);
  }

  /**
   * The record with the highest sequence, by one sorted query: for readers such as verify, which must
   * see records past a gap. Never on the append path.
   */
  async head(): Promise<ChainPosition> {
    const newest = await this.model
      .findOne({}, { _id: 1, hash: 1 })
      .sort({ _id: -1 })
      .lean<Pick<AuditRecordDocument, '_id' | 'hash'>>()
      .exec();
    return newest ? { sequence: newest._id, hash: newest.hash } : CHAIN_START;
  }

  /** Moves the head hint forward to `position` (never back: concurrent writers may finish out of order). */
  async advanceHeadHint(position: ChainPosition): Promise<void> {
    try {
      // Retried like every other call (typedCollection), unlike insertChained: a register without a
      // hint writes its first one on the append path (hintFromHead), where a throttled write must not fail.
      await typedCollection(this.heads).updateOne(
        {
          _id: CHAIN_HEAD_ID,
          _shardKey: CHAIN_HEAD_ID,
          sequence: { $lt: position.sequence },
        },
        { $set: { sequence: position.sequence, hash: position.hash } },
        { upsert: true },
      );
    } catch (error) {
      // The upsert found the hint already further on; that is the outcome we wanted.
      if (!isDuplicateKey(error)) {
        throw error;
      }
    }
  }

  /**
   * The last record of the unbroken run of records after `position`: usually `position` itself, or up
   * to a second of appends on when other instances appended since their last hint. Probes windows of
   * sequences by `_id` and shard key, each twice the size of the last, so a long way costs few round trips.
   */
  async tipFrom(position: ChainPosition): Promise<ChainPosition> {
    let tip = position;
    for (
      let size = FIRST_PROBE_WINDOW;
      ;
      size = Math.min(size * 2, MAX_PROBE_WINDOW)
    ) {
      const window = Array.from(
        { length: size },
        (_, n) => tip.sequence + 1 + n,
      );
      const found = await typedCollection(this.model)
        .find(
          { _id: { $in: window }, _shardKey: { $in: window.map(String) } },
          { projection: { _id: 1, hash: 1 } },
        )
        .toArray();
      const hashes = new Map(found.map((doc) => [doc._id, doc.hash]));
      let next = hashes.get(tip.sequence + 1);
      while (next !== undefined) {
        tip = { sequence: tip.sequence + 1, hash: next };
        next = hashes.get(tip.sequence + 1);
      }
      if (tip.sequence < window[window.length - 1]) {
        return tip;
      }
    }
  }

  private async readHeadHint(): Promise<ChainPosition | undefined> {
    const hint = await typedCollection(this.heads).findOne({
      _id: CHAIN_HEAD_ID,
      _shardKey: CHAIN_HEAD_ID,
    });
    return hint ? { sequence: hint.sequence, hash: hint.hash } : undefined;
  }

  /**
   * A head hint for a register written before the hint existed (or whose hint was deleted): one
   * sorted query, once; after it no append sorts again.
   */
  private async hintFromHead(): Promise<ChainPosition> {
    const head = await this.head();
    await this.advanceHeadHint(head);
    return head;
  }

  /** Up to `limit` matching records with a sequence below `beforeSequence`, newest first. */
  query(
    filter: AuditFilter,
    limit: number,
    beforeSequence?: number,
  ): Promise<AuditRecord[]> {
    return this.findNewestFirst(toFilter(filter), limit, beforeSequence);
  }

  /**
   * Like `query`, for a filter built elsewhere (the FHIR AuditEvent search, whose parameters OR and
   * AND what the JSON API's filter cannot).
   */
  async findNewestFirst(
    filter: FilterQuery<AuditRecordDocument>,
    limit: number,
    beforeSequence?: number,
  ): Promise<AuditRecord[]> {
    const query: FilterQuery<AuditRecordDocument> =
      beforeSequence === undefined
        ? filter
        : { ...filter, _id: { $lt: beforeSequence } };
    const docs = await this.model
      .find(query)
      .sort({ _id: -1 })
      .limit(limit)
      .lean<AuditRecordDocument[]>()
      .exec();
    return docs.map(toAuditRecord);
  }

  /** The record with this id (an index lookup, used only to replay an append). */
  async byRecordId(recordId: string): Promise<AuditRecordDocument | undefined> {
    const doc = await this.model
      .findOne({ recordId })
      .lean<AuditRecordDocument>()
      .exec();
    return doc ?? undefined;
  }

  /** The record at `sequence`, if any. */
  async at(sequence: number): Promise<AuditRecordDocument | undefined> {
    const doc = await this.model
      .findOne(byId(sequence))
      .lean<AuditRecordDocument>()
      .exec();
    return doc ?? undefined;
  }

  /** Stored documents with `_id` from `from` to `to` in ascending order, in batches of `batchSize`. */
  async range(
    from: number,
    to: number,
    batchSize: number,
  ): Promise<AuditRecordDocument[]> {
    return this.model
      .find({ _id: { $gte: from, $lte: to } })
      .sort({ _id: 1 })
      .limit(batchSize)
      .lean<AuditRecordDocument[]>()
      .exec();
  }
}
