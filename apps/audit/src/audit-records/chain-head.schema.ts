import { Schema } from 'mongoose';

export const CHAIN_HEAD_MODEL = 'ChainHead';
export const CHAIN_HEAD_ID = 'head';

/**
 * Where the chain ends, as far as the appenders have told: a hint, not the truth. It is written only
 * after the record it names was stored, so it always names a real record (records are never changed),
 * but it may lag behind the newest records by the batches still being acknowledged; readers walk
 * forward from it. One document, read and written by `_id` and shard key: the append path never sorts
 * or scans the register, whatever its size.
 */
export interface ChainHeadDocument {
  _id: typeof CHAIN_HEAD_ID;
  _shardKey: typeof CHAIN_HEAD_ID;
  sequence: number;
  hash: string;
}

export const ChainHeadSchema = new Schema<ChainHeadDocument>(
  {
    _id: { type: String, required: true },
    _shardKey: { type: String, required: true },
    sequence: { type: Number, required: true },
    hash: { type: String, required: true },
  },
  { collection: 'audit_chain_head', versionKey: false, strict: 'throw' },
);
