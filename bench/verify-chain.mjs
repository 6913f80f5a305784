// `npm run bench:verify` (`make bench-verify`): how long verifying the audit chain takes at 100,000 records.
//
// Builds a valid chain of --records records with the app's own code (dist/) and measures, with
// checkpoints in a temporary folder signed by a local key:
//   checkpoint      CheckpointsService.create after the head moved (median of 5): compare, sign, store
//   verify          ChainVerificationService.verify over the whole chain, following `next` (10,000
//                   records per call): total and per call
//   audit:verify    the auditor's command on the chain exported as NDJSON (a fresh process: read,
//                   hash every record, check the checkpoints' signatures)
// The records are served from memory, not a database: what is measured is the verification itself
// (hashing, links, checkpoint comparison). Each verify call adds its database reads on top: 10 range
// reads of 1,000 records and 2 point reads per 10,000 records, which use the _id index on MongoDB and
// Cosmos DB. FerretDB on SQLite scans the collection for a range or a sort, so at 100,000 records a
// read takes minutes on a loaded machine and is not a meaningful figure. A benchmark prints figures;
// it asserts nothing. Options: --records N (default 100000). Needs `npm run build`.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const DIST = path.join(ROOT, 'dist', 'apps', 'audit', 'apps', 'audit', 'src');

const { values } = parseArgs({
  options: { records: { type: 'string', default: '100000' } },
});
const RECORDS = Number(values.records);

const print = (line) => process.stdout.write(`${line}\n`);
const median = (list) =>
  [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const ms = (value) => `${Math.round(value)} ms`;

if (!existsSync(path.join(DIST, 'main.js'))) {
  process.stderr.write('bench: dist/ is missing: run `npm run build` first\n');
  process.exit(2);
}
const load = (file) => require(path.join(DIST, file));
const { chainHash, GENESIS_HASH } = load('audit-records/audit-chain.js');
const { chainedContentOf, toAuditRecord } = load(
  'audit-records/audit-records.repository.js',
);
const { ChainVerificationService } = load(
  'chain/chain-verification.service.js',
);
const { CheckpointsService } = load('chain/checkpoints.service.js');
const { FolderCheckpointStore } = load('chain/folder-checkpoint-store.js');
const { LocalKeyCheckpointSigner, LOCAL_PUBLIC_KEY_FILE } = load(
  'chain/local-key-checkpoint-signer.js',
);

/** Appends stored documents to `docs` until it holds `count`, a valid chain as the repository reads it. */
function chain(count, docs = []) {
  let previousHash = docs.at(-1)?.hash ?? GENESIS_HASH;
  const start = Date.UTC(2026, 0, 1);
  for (let sequence = docs.length + 1; sequence <= count; sequence++) {
    const doc = {
      _id: sequence,
      _shardKey: String(sequence),
      recordId: randomUUID(),
      createdDate: new Date(start + sequence * 1000),
      sourceSystemName: 'patient-tests',
      resource: { type: 'patient', id: randomUUID(), operation: 'read' },
      correlationId: randomUUID().replaceAll('-', ''),
      actor: 'key:0123abcd',
      clientAddress: '10.0.0.4',
      previousHash,
      hash: '',
    };
    doc.hash = chainHash(chainedContentOf(doc));
    previousHash = doc.hash;
    docs.push(doc);
  }
  return docs;
}

/** The repository's read methods over an array (index = sequence - 1). */
const inMemoryRepository = (docs) => ({
  head: () =>
    Promise.resolve({ sequence: docs.length, hash: docs.at(-1).hash }),
  at: (sequence) => Promise.resolve(docs[sequence - 1]),
  range: (from, to, size) =>
    Promise.resolve(docs.slice(from - 1, Math.min(to, from - 1 + size))),
});

async function main() {
  const work = mkdtempSync(path.join(tmpdir(), 'bench-verify-'));
  try {
    const dir = path.join(work, 'checkpoints');
    let started = performance.now();
    const docs = chain(RECORDS - 5);
    print(`built ${RECORDS} records in ${ms(performance.now() - started)}`);

    const repository = inMemoryRepository(docs);
    const checkpoints = new CheckpointsService(
      repository,
      { CHECKPOINT_INTERVAL_SECONDS: 0 },
      new FolderCheckpointStore(dir),
      new LocalKeyCheckpointSigner(dir),
    );
    const checkpointTimes = [];
    for (let i = 0; i < 5; i++) {
      // Each checkpoint needs a new head.
      chain(docs.length + 1, docs);
      started = performance.now();
      await checkpoints.create();
      checkpointTimes.push(performance.now() - started);
    }

    const verification = new ChainVerificationService(repository, checkpoints);
    const calls = [];
    let checked = 0;
    let from = 1;
    started = performance.now();
    while (from !== undefined) {
      const callStarted = performance.now();
      const result = await verification.verify({ from });
      calls.push(performance.now() - callStarted);
      if (!result.valid) {
        throw new Error(`verify reported ${JSON.stringify(result)}`);
      }
      checked += result.checked;
      from = result.next;
    }
    const verifyTotal = performance.now() - started;

    const exportFile = path.join(work, 'export.ndjson');
    writeFileSync(
      exportFile,
      docs.map((doc) => `${JSON.stringify(toAuditRecord(doc))}\n`).join(''),
    );
    const build = spawnSync(
      'npm',
      ['run', '--silent', 'audit:verify', '--', '--help'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    if (build.status !== 2) {
      throw new Error(`building audit:verify failed: ${build.stderr}`);
    }
    started = performance.now();
    const command = spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'dist', 'auditor', 'audit-verify.cjs'),
        '--records',
        exportFile,
        '--checkpoints',
        dir,
        '--public-key',
        path.join(dir, LOCAL_PUBLIC_KEY_FILE),
      ],
      { encoding: 'utf8' },
    );
    const commandTime = performance.now() - started;
    if (command.status !== 0) {
      throw new Error(
        `audit:verify exited ${command.status}: ${command.stdout}${command.stderr}`,
      );
    }

    print(`records in the chain        ${checked}`);
    print(
      `checkpoint (local key)      median ${ms(median(checkpointTimes))} of 5`,
    );
    print(
      `verify, whole chain         ${ms(verifyTotal)} in ${calls.length} calls (median ${ms(median(calls))} per call of up to 10,000), database reads not included`,
    );
    print(
      `audit:verify, NDJSON export ${ms(commandTime)} (whole process: start, read, hash, checkpoints)`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`bench: ${error.stack ?? error}\n`);
  process.exitCode = 1;
});
