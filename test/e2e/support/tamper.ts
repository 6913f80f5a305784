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

/** Deletes the records from `from` on: the newest records removed, the rest still a valid chain. */
export async function truncateFrom(app: RunningApp, from: number) {
  await (await auditsOf(app)).deleteMany({ _id: { $gte: from } } as Document);
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
}
