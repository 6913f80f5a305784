import type { OfflineReport } from './offline-verification';

const short = (hash: string | undefined) =>
  hash ? `${hash.slice(0, 12)}…` : 'nothing';

/** The auditor's report: what was checked, what was found, and one RESULT line to grep for. */
export function describeReport(
  report: OfflineReport,
  sources: { records: string; checkpoints: string },
): string {
  const { finding } = report;
  const lines = [
    'Audit register verification (offline)',
    `  records:     ${report.first}..${report.last} from ${sources.records}`,
    `  checkpoints: ${report.checkpointsFound} in ${sources.checkpoints}, ${finding.rejected} rejected (no valid signature by the given keys)`,
  ];
  if (finding.checkpoint) {
    lines.push(
      `  compared with the newest signed checkpoint: sequence ${finding.checkpoint.sequence}, signed ${finding.checkpoint.createdDate} by ${finding.checkpoint.keyId}`,
    );
  } else {
    lines.push(
      '  WARNING: no signed checkpoint: removed newest records or a rewrite with recomputed hashes cannot be detected',
    );
  }
  lines.push(
    report.chainBreak
      ? `  hash chain:  broken at sequence ${report.chainBreak.sequence} (${report.chainBreak.reason}); ${report.checked} records before it intact`
      : `  hash chain:  ${report.checked} records intact`,
  );
  const problems: { sequence: number; text: string }[] = [];
  if (report.chainBreak) {
    problems.push({
      sequence: report.chainBreak.sequence,
      text: `record ${report.chainBreak.reason.replace('-', ' ')}`,
    });
  }
  if (finding.kind === 'truncated') {
    problems.push({
      sequence: finding.firstInvalidSequence,
      text: `records removed: the chain ends at ${report.last}, but sequence ${finding.checkpoint.sequence} was signed`,
    });
  }
  if (finding.kind === 'rewritten') {
    problems.push({
      sequence: finding.firstInvalidSequence,
      text: `chain rewritten (from this sequence at the latest): checkpoint ${finding.checkpoint.sequence} signed hash ${short(finding.checkpoint.hash)}, the export has ${short(report.exportedHashAtCheckpoint)}`,
    });
  }
  problems.sort((a, b) => a.sequence - b.sequence);
  if (problems.length > 0) {
    lines.push(
      `RESULT: INVALID from sequence ${problems[0].sequence}: ${problems[0].text}`,
    );
    for (const other of problems.slice(1)) {
      lines.push(`  also from sequence ${other.sequence}: ${other.text}`);
    }
  } else if (finding.rejected > 0) {
    lines.push(
      `RESULT: INVALID: ${finding.rejected} stored checkpoint(s) not signed by the given keys`,
    );
  } else {
    lines.push('RESULT: VALID');
  }
  return `${lines.join('\n')}\n`;
}
