// `npm run audit:verify`: an auditor's check of the audit register with only read access and the
// checkpoint key's public part. README "Checking the register as an auditor" explains the options.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { KeyObject } from 'node:crypto';
import { BlobCheckpointStore } from '../chain/blob-checkpoint-store';
import { parsePublicKey } from '../chain/checkpoint';
import type { CheckpointStore } from '../chain/checkpoint-store';
import { FolderCheckpointStore } from '../chain/folder-checkpoint-store';
import { fetchExport, readExportFile, saveExport } from './chain-source';
import { describeReport } from './report';
import { verifyOffline } from './offline-verification';

const USAGE = `usage: npm run audit:verify -- --records <export.ndjson | audit API URL> \\
         --checkpoints <folder | container URL> --public-key <PEM or JWK file> [--public-key ...] \\
         [--save <export.ndjson>]
  With an API URL, the reader key is read from AUDIT_READER_KEY.
  Exit code: 0 valid, 1 tampering found, 2 could not check.`;

/** Checkpoints to read: all of them, for an auditor (a year at the default interval is about 105,000). */
const ALL_CHECKPOINTS = Number.MAX_SAFE_INTEGER;

async function checkpointStore(location: string): Promise<CheckpointStore> {
  if (/^https?:\/\//.test(location)) {
    return BlobCheckpointStore.open(location, async () => {
      const { DefaultAzureCredential } = await import('@azure/identity');
      return new DefaultAzureCredential();
    });
  }
  return new FolderCheckpointStore(location);
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      records: { type: 'string' },
      checkpoints: { type: 'string' },
      'public-key': { type: 'string', multiple: true },
      save: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (
    values.help ||
    !values.records ||
    !values.checkpoints ||
    !values['public-key']?.length
  ) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const publicKeys: KeyObject[] = await Promise.all(
    values['public-key'].map(async (file) =>
      parsePublicKey(await readFile(file, 'utf8')),
    ),
  );
  const fromApi = /^https?:\/\//.test(values.records);
  let records;
  if (fromApi) {
    const readerKey = process.env.AUDIT_READER_KEY;
    if (!readerKey) {
      process.stderr.write('AUDIT_READER_KEY is not set\n');
      return 2;
    }
    records = await fetchExport(values.records, readerKey);
  } else {
    records = await readExportFile(values.records);
  }
  if (values.save) {
    await saveExport(values.save, records);
  }
  const store = await checkpointStore(values.checkpoints);
  const checkpoints = await store.newest(ALL_CHECKPOINTS);
  const report = await verifyOffline(records, checkpoints, publicKeys);
  process.stdout.write(
    describeReport(report, {
      records: fromApi ? new URL(values.records).origin : values.records,
      checkpoints: store.location,
    }),
  );
  return report.valid ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `audit:verify could not check: ${(error as Error).message}\n`,
    );
    process.exitCode = 2;
  },
);
