import type { Collection, Document } from 'mongodb';
import { chainHash } from '../../../apps/audit/src/audit-records/audit-chain';
import type { AuditRecordDocument } from '../../../apps/audit/src/audit-records/audit-record.schema';
import { chainedContentOf } from '../../../apps/audit/src/audit-records/audit-records.repository';
import type { RunningApp } from './stack';

/** The stored audit documents, for tampering the way someone with database write access would. */
export async function auditsOf(app: RunningApp): Promise<Collection<Document>> {
  const db = (await app.database.asPromise()).db!;
  return db.collection<Document>('audits');
}

/** The app's head hint, which an attacker moves along with the records so appends go on smoothly. */
async function setHeadHint(app: RunningApp, sequence: number, hash: string) {
  const db = (await app.database.asPromise()).db!;
  await db
    .collection<Document>('audit_chain_head')
    .updateOne(
      { _id: 'head', _shardKey: 'head' } as Document,
      { $set: { sequence, hash } },
      { upsert: true },
    );
}

/**
 * Deletes the records from `from` on: the newest records removed, the rest still a valid chain. With
 * `hint`, the head hint is rolled back too, as a careful attacker would do.
 */
export async function truncateFrom(
  app: RunningApp,
  from: number,
  { hint = true } = {},
) {
  const audits = await auditsOf(app);
  await audits.deleteMany({ _id: { $gte: from } } as Document);
  const last = await audits.findOne({ _id: from - 1 } as Document);
  if (hint) {
    await setHeadHint(app, from - 1, String(last?.hash ?? '0'.repeat(64)));
  }
}

/**
 * Rewrites every record from `from` on, as an attacker with write access and the hashing code can:
 * a changed operation and every hash and link recomputed, so the chain itself stays valid.
 */
export async function rewriteFrom(app: RunningApp, from: number) {
  const audits = await auditsOf(app);
  const docs = (await audits
    .find({ _id: { $gte: from - 1 } } as Document)
    .sort({ _id: 1 })
    .toArray()) as unknown as AuditRecordDocument[];
  let previousHash =
    docs[0]._id === from - 1 ? docs.shift()!.hash : '0'.repeat(64);
  for (const doc of docs) {
    const forged: AuditRecordDocument = {
      ...doc,
      resource: { ...doc.resource, operation: 'forged' },
      previousHash,
    };
    const hash = chainHash(chainedContentOf(forged));
    const replacement: Document = { ...forged, hash };
    await audits.replaceOne({ _id: doc._id } as Document, replacement);
    previousHash = hash;
  }
  const newest = docs.at(-1);
  if (newest) {
    await setHeadHint(app, newest._id, previousHash);
  }
}
