import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { ExportedRecord } from './offline-verification';

/** Reads an export file: one record (JSON) per line, as `--save` writes it. */
export async function readExportFile(path: string): Promise<ExportedRecord[]> {
  const records: ExportedRecord[] = [];
  const lines = createInterface({ input: createReadStream(path) });
  let number = 0;
  for await (const line of lines) {
    number++;
    if (line.trim() === '') {
      continue;
    }
    try {
      records.push(JSON.parse(line) as ExportedRecord);
    } catch {
      throw new Error(`${path}:${number} is not a JSON record`);
    }
  }
  return records;
}

/**
 * Fetches the whole chain from the audit API's export route, page by page, with a reader key
 * (`AUDIT_READER_KEY` in the environment, so it never shows in a process list).
 */
export async function fetchExport(
  apiUrl: string,
  readerKey: string,
): Promise<ExportedRecord[]> {
  const records: ExportedRecord[] = [];
  let from: number | undefined = 1;
  while (from !== undefined) {
    const url = new URL(`${apiUrl.replace(/\/$/, '')}/auditrecord/export`);
    url.searchParams.set('from', String(from));
    const response = await fetch(url, {
      headers: { 'x-functions-key': readerKey, accept: 'application/json' },
      // A redirect would carry the key elsewhere.
      redirect: 'error',
    });
    if (response.status !== 200) {
      throw new Error(
        `${url.origin} answered ${response.status} to the export`,
      );
    }
    const page = (await response.json()) as {
      records: ExportedRecord[];
      next?: number;
    };
    records.push(...page.records);
    from = page.next;
  }
  return records;
}

/** Writes records as NDJSON, so the same export can be checked again later without the API. */
export async function saveExport(
  path: string,
  records: ExportedRecord[],
): Promise<void> {
  await writeFile(
    path,
    records.map((record) => `${JSON.stringify(record)}\n`).join(''),
  );
}
