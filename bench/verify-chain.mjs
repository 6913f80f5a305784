// `npm run bench:verify` (`make bench-verify`): how long verifying the audit chain takes at 100,000 records.
//
// Fills a fresh audit database with a valid chain of --records records (written directly, hashed by
// the app's own code from dist/), starts the audit app from dist/ with checkpoints in a temporary folder
// (local key), signs a checkpoint, then measures:
//   checkpoint        POST /api/auditrecord/checkpoints after the head moved (median of 5)
//   verify (service)  the whole chain through GET /api/auditrecord/verify, following `next`
//                     (10,000 records per call): total and per call
//   audit:verify      the auditor's command: export fetched from the API and checked offline, and
//                     the same export checked again from its saved file
// A benchmark prints figures; it asserts nothing.
//
// Options: --records N (default 100000). Needs `npm run build`. Database: MONGODB_URI if set, else
// FerretDB from .tools/bin (scripts/setup.sh builds it).
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const {
  freePort,
  startFerretDb,
  waitForHealth,
} = require('../scripts/lib/processes.cjs');
const { MongoClient } = require('mongodb');

const { values } = parseArgs({
  options: { records: { type: 'string', default: '100000' } },
});
const RECORDS = Number(values.records);
const KEY = 'bench-verify-key-0000000001';
const DIST = path.join(ROOT, 'dist', 'apps', 'audit', 'apps', 'audit', 'src');

const median = (values) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const print = (line) => process.stdout.write(`${line}\n`);
const ms = (value) => `${Math.round(value)} ms`;

if (!existsSync(path.join(DIST, 'main.js'))) {
  process.stderr.write('bench: dist/ is missing: run `npm run build` first\n');
  process.exit(2);
}
const { chainHash, GENESIS_HASH } = require(
  path.join(DIST, 'audit-records', 'audit-chain.js'),
);
const { chainedContentOf } = require(
  path.join(DIST, 'audit-records', 'audit-records.repository.js'),
);

const work = mkdtempSync(path.join(tmpdir(), 'bench-verify-'));
const checkpointDir = path.join(work, 'checkpoints');
let database;
let app;
let client;

async function fill(collection) {
  let previousHash = GENESIS_HASH;
  const start = Date.UTC(2026, 0, 1);
  for (let first = 1; first <= RECORDS; first += 1000) {
    const batch = [];
    for (
      let sequence = first;
      sequence < Math.min(first + 1000, RECORDS + 1);
      sequence++
    ) {
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
      batch.push(doc);
    }
    await collection.insertMany(batch, { ordered: false });
  }
}

async function call(method, url) {
  const response = await fetch(url, {
    method,
    headers: { 'x-functions-key': KEY },
  });
  const body = await response.json();
  if (!response.ok) {
    throw new Error(
      `${method} ${url} answered ${response.status}: ${JSON.stringify(body)}`,
    );
  }
  return body;
}

function auditVerify(args) {
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [path.join(ROOT, 'dist', 'auditor', 'audit-verify.cjs'), ...args],
    { env: { ...process.env, AUDIT_READER_KEY: KEY }, encoding: 'utf8' },
  );
  const elapsed = performance.now() - started;
  if (result.status !== 0) {
    throw new Error(
      `audit:verify exited ${result.status}: ${result.stdout}${result.stderr}`,
    );
  }
  return elapsed;
}

async function main() {
  let uri = process.env.MONGODB_URI;
  if (!uri) {
    database = await startFerretDb({
      port: await freePort(),
      dataDir: path.join(work, 'ferretdb'),
      logLevel: 'error',
    });
    uri = database.uri;
  }
  const dbName = `bench-verify-${randomUUID().slice(0, 8)}`;
  client = new MongoClient(uri);
  const collection = client.db(dbName).collection('audits');
  let started = performance.now();
  await fill(collection);
  print(`filled ${RECORDS} records in ${ms(performance.now() - started)}`);

  const port = await freePort();
  app = spawn(process.execPath, [path.join(DIST, 'main.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      MONGODB_URI: uri,
      MONGODB_DATABASE: dbName,
      API_KEYS: KEY,
      LOG_LEVEL: 'error',
      CHECKPOINT_DIR: checkpointDir,
      CHECKPOINT_INTERVAL_SECONDS: '0',
    },
    stdio: 'ignore',
  });
  const api = `http://127.0.0.1:${port}/api`;
  await waitForHealth(`${api}/health`, { timeoutMs: 60000 });

  const checkpointTimes = [];
  for (let i = 0; i < 5; i++) {
    // Each checkpoint needs a new head: one more record through the API.
    await fetch(`${api}/auditrecord`, {
      method: 'POST',
      headers: { 'x-functions-key': KEY, 'content-type': 'application/json' },
      body: JSON.stringify({
        sourceSystemName: 'bench',
        resource: { type: 'patient', operation: 'read' },
      }),
    });
    started = performance.now();
    await call('POST', `${api}/auditrecord/checkpoints`);
    checkpointTimes.push(performance.now() - started);
  }

  const calls = [];
  let checked = 0;
  let from = 1;
  started = performance.now();
  while (from !== undefined) {
    const callStart = performance.now();
    const result = await call('GET', `${api}/auditrecord/verify?from=${from}`);
    calls.push(performance.now() - callStart);
    if (!result.valid) {
      throw new Error(`verify reported ${JSON.stringify(result)}`);
    }
    checked += result.checked;
    from = result.next;
  }
  const serviceTotal = performance.now() - started;

  spawnSync('npm', ['run', '--silent', 'audit:verify', '--', '--help'], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  const exportFile = path.join(work, 'export.ndjson');
  const publicKey = path.join(checkpointDir, 'local-signing-key.pub.pem');
  const fromApi = auditVerify([
    '--records',
    api,
    '--checkpoints',
    checkpointDir,
    '--public-key',
    publicKey,
    '--save',
    exportFile,
  ]);
  const fromFile = auditVerify([
    '--records',
    exportFile,
    '--checkpoints',
    checkpointDir,
    '--public-key',
    publicKey,
  ]);

  print(`records in the chain          ${checked}`);
  print(
    `checkpoint (sign + store)     median ${ms(median(checkpointTimes))} of 5 (local key)`,
  );
  print(
    `verify, whole chain           ${ms(serviceTotal)} in ${calls.length} calls (median ${ms(median(calls))} per call of up to 10,000)`,
  );
  print(
    `audit:verify, from the API    ${ms(fromApi)} (export fetched in pages of 5,000, then checked)`,
  );
  print(`audit:verify, from the file   ${ms(fromFile)}`);
}

main()
  .catch((error) => {
    process.stderr.write(`bench: ${error.stack ?? error}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    app?.kill('SIGTERM');
    await client?.close();
    await database?.stop();
    rmSync(work, { recursive: true, force: true });
  });
