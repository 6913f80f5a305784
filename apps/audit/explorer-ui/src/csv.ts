import { outcomeText, type AuditRecord } from './records';

/**
 * The accounting of disclosures as CSV: one row per record, every field a person or a spreadsheet
 * needs to answer "who, when, what, through which system, with what result", and the chain fields
 * that tie the row to the register. The other patients a search named are left out: one patient's
 * accounting must not disclose others.
 */
export const CSV_COLUMNS = [
  'sequence',
  'createdDate',
  'operation',
  'resourceType',
  'resourceId',
  'outcome',
  'actor',
  'clientAddress',
  'onBehalfOfActor',
  'onBehalfOfClientAddress',
  'unverifiedActor',
  'unverifiedClientAddress',
  'sourceSystemName',
  'correlationId',
  'recordId',
  'attemptId',
  'hash',
] as const;

function rowOf(
  record: AuditRecord,
): Record<(typeof CSV_COLUMNS)[number], string> {
  const unverified = record.onBehalfOf?.unverified ?? record.unverified;
  return {
    sequence: String(record.sequence),
    createdDate: record.createdDate,
    operation: record.resource.operation,
    resourceType: record.resource.type,
    resourceId: record.resource.id ?? '',
    outcome: outcomeText(record.outcome),
    actor: record.actor ?? '',
    clientAddress: record.clientAddress ?? '',
    onBehalfOfActor: record.onBehalfOf?.actor ?? '',
    onBehalfOfClientAddress: record.onBehalfOf?.clientAddress ?? '',
    unverifiedActor: unverified?.actor ?? '',
    unverifiedClientAddress: unverified?.clientAddress ?? '',
    sourceSystemName: record.sourceSystemName,
    correlationId: record.correlationId,
    recordId: record.id,
    attemptId: record.attemptId ?? '',
    hash: record.hash,
  };
}

/**
 * RFC 4180 quoting, and a leading `'` on a cell a spreadsheet would run as a formula: record fields
 * such as an unverified actor are whatever a client claimed, so they must not become code.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function accountingCsv(records: readonly AuditRecord[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const record of records) {
    const row = rowOf(record);
    lines.push(CSV_COLUMNS.map((column) => csvCell(row[column])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
