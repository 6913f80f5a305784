/**
 * The fields of an audit record (apps/audit/src/audit-records/audit-record.dto.ts) that the page
 * reads. Only those: the page shows what the API answers and never sends a record back.
 */
export interface AuditRecord {
  id: string;
  sequence: number;
  createdDate: string;
  sourceSystemName: string;
  resource: { type: string; id?: string; operation: string };
  outcome?: 'attempted' | number;
  attemptId?: string;
  correlationId: string;
  actor?: string;
  clientAddress?: string;
  unverified?: Caller;
  onBehalfOf?: Caller & { unverified?: Caller };
  previousHash: string;
  hash: string;
}

export interface Caller {
  actor?: string;
  clientAddress?: string;
}

/** `GET /api/auditrecord/verify`. */
export interface ChainVerification {
  valid: boolean;
  checked: number;
  firstInvalidSequence?: number;
  reason?: string;
  next?: number;
  head: { sequence: number; hash: string };
  checkpoint?: { sequence: number; createdDate: string; keyId: string };
  rejectedCheckpoints?: number;
}

/** `GET /api/auditrecord/checkpoints/latest`. */
export interface Checkpoint {
  sequence: number;
  hash: string;
  createdDate: string;
  keyId: string;
}

/**
 * One access as a person reads it. For a service acting for its own client (patient-tests), the
 * actor is that client, as the service asserted it (`onBehalfOf`), and `via` is the verified caller
 * of the audit API; for a direct caller, the actor is the verified caller itself.
 */
export interface AccessRow {
  sequence: number;
  time: string;
  operation: string;
  resource: string;
  actor: string;
  via?: string;
  unverifiedClaim?: string;
  sourceSystem: string;
  clientAddress: string;
  outcome: string;
  failed: boolean;
}

/** `2026-03-01T10:05:00.000Z` as `2026-03-01 10:05:00`: UTC, one format whatever the browser's locale. */
export const utcTime = (iso: string) =>
  iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');

const describeClaim = (claim?: Caller) =>
  claim && (claim.actor || claim.clientAddress)
    ? [claim.actor, claim.clientAddress].filter(Boolean).join(' from ')
    : undefined;

export function outcomeText(outcome: AuditRecord['outcome']): string {
  if (outcome === undefined) {
    return 'not recorded';
  }
  return outcome === 'attempted' ? 'attempted' : String(outcome);
}

export function toAccessRow(record: AuditRecord): AccessRow {
  const client = record.onBehalfOf;
  const actsForClient = client?.actor !== undefined;
  return {
    sequence: record.sequence,
    time: utcTime(record.createdDate),
    operation: record.resource.operation,
    resource: record.resource.id
      ? `${record.resource.type} ${record.resource.id}`
      : record.resource.type,
    actor: (actsForClient ? client?.actor : record.actor) ?? 'unknown',
    via: actsForClient ? record.actor : undefined,
    unverifiedClaim: describeClaim(client?.unverified ?? record.unverified),
    sourceSystem: record.sourceSystemName,
    clientAddress:
      (actsForClient ? client?.clientAddress : record.clientAddress) ?? '',
    outcome: outcomeText(record.outcome),
    failed: typeof record.outcome === 'number' && record.outcome >= 400,
  };
}

/** Records per UTC day, every day from the first to the last (days without accesses count 0). */
export function accessesPerDay(
  records: readonly AuditRecord[],
): { day: string; count: number }[] {
  if (records.length === 0) {
    return [];
  }
  const counts = new Map<string, number>();
  for (const record of records) {
    const day = record.createdDate.slice(0, 10);
    counts.set(day, (counts.get(day) ?? 0) + 1);
  }
  const days = [...counts.keys()].sort();
  const result: { day: string; count: number }[] = [];
  const last = Date.parse(`${days[days.length - 1]}T00:00:00Z`);
  for (
    let time = Date.parse(`${days[0]}T00:00:00Z`);
    time <= last;
    time += 86_400_000
  ) {
    const day = new Date(time).toISOString().slice(0, 10);
    result.push({ day, count: counts.get(day) ?? 0 });
  }
  return result;
}
