// `npm run bench:audit-append` (part of `make bench`): throughput and tail latency of the audit append,
// side by side with a plain insert of the same document on the same database, in one run.
//
// Two servers run as their own processes on one database: the audit app (dist/, as `make dev` runs it)
// and bench/lib/plain-insert-server.mjs (one `insertOne` per request). For each number of connections
// (1, 8, 32, 128), each connection sends requests back to back (closed loop, keep-alive) for
// --seconds per target, after a 1 s warm-up, in one-second turns that the targets take in rotation, so
// that a busy machine or a slow stretch of the disk slows them alike (see ROUND_SECONDS). Appends go as patient-tests sends them (its time budget, no Idempotency-Key), and again with
// an Idempotency-Key each. Printed per row: requests/s, p50 and p99 (ms), errors, the server's CPU ms
// per request (Linux, from /proc), and the throughput ratios to the plain insert. Then
// the register is filled to --records records through the API and the table is measured again.
// A benchmark prints figures; it asserts nothing.
//
// Options: --seconds N (default 8), --records N (default 100000), --connections 1,8,32,128, and
// --baseline DIR: another build's dist/ (e.g. an older commit's, built in a git worktree), whose audit app
// appends as a fourth target in the same rotation, on its own database, in the empty-register table: a
// before/after side by side in one run.
// Database: MONGODB_URI if set, else a fresh FerretDB from .tools/bin. Needs `npm run build`.
import { fork, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** The bench's report goes to stdout, line by line. */
const print = (line) => process.stdout.write(`${line}\n`);

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const {
  startFerretDb,
  freePort,
  waitForHealth,
} = require('../scripts/lib/processes.cjs');

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    records: { type: 'string', default: '100000' },
    connections: { type: 'string', default: '1,8,32,128' },
    baseline: { type: 'string' },
  },
});
const SECONDS = Number(values.seconds);
const RECORDS = Number(values.records);
const CONNECTIONS = values.connections.split(',').map(Number);
const KEY = 'bench-key-0123456789abcdef';
const auditEntryIn = (dist) =>
  path.join(path.resolve(dist), 'apps/audit/apps/audit/src/main.js');
const AUDIT_ENTRY = auditEntryIn(path.join(ROOT, 'dist'));
const BASELINE_ENTRY = values.baseline && auditEntryIn(values.baseline);

/** The body patient-tests sends for one access. */
const auditBody = () =>
  JSON.stringify({
    sourceSystemName: 'patient-tests',
    resource: { type: 'patient', id: randomUUID(), operation: 'read' },
    patientIds: [randomUUID()],
    outcome: 200,
    actor: 'key:0a1b2c3d',
    clientAddress: '203.0.113.7',
  });

async function startAudit(uri, database, entry = AUDIT_ENTRY) {
  const port = await freePort();
  const child = spawn(process.execPath, [entry], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      MONGODB_URI: uri,
      MONGODB_DATABASE: database,
      API_KEYS: KEY,
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}/api`;
  await waitForHealth(`${url}/health`, { timeoutMs: 30000 });
  return { url: `${url}/auditrecord`, child };
}

/** Request headers per target: the audit key, the caller's budget, and a fresh key when keyed. */
const headersFor = {
  audit: () => ({ 'x-functions-key': KEY, 'x-request-budget-ms': '2000' }),
  keyed: () => ({
    'x-functions-key': KEY,
    'x-request-budget-ms': '2000',
    'idempotency-key': randomUUID(),
  }),
  plain: () => ({}),
  baseline: () => ({ 'x-functions-key': KEY, 'x-request-budget-ms': '2000' }),
};

async function startPlain(uri, database) {
  const port = await freePort();
  const child = fork(path.join(ROOT, 'bench/lib/plain-insert-server.mjs'), {
    env: {
      ...process.env,
      MONGODB_URI: uri,
      MONGODB_DATABASE: database,
      PORT: String(port),
    },
  });
  await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', () => reject(new Error('plain insert server exited')));
  });
  return { url: `http://127.0.0.1:${port}/`, child };
}

function post(agent, url, body, headers) {
  return new Promise((resolve) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', ...headers },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode));
      },
    );
    request.on('error', () => resolve(0));
    request.end(body);
  });
}

/**
 * CPU time (user + system, ms) the server process has used, from /proc on Linux; undefined elsewhere.
 * Per request it says what the server spends of its own, which a shared machine's noise moves far less
 * than throughput: at 1 connection, where nothing is batched, it is what separates the two servers.
 */
function cpuMsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .split(') ')[1]
      .split(' ');
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

/** Closed loop on `connections` keep-alive sockets for `ms`: each request's latency, errors and the server's CPU. */
async function load(target, headers, connections, ms) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const cpuBefore = cpuMsOf(target.child.pid);
  const latencies = [];
  let errors = 0;
  const end = performance.now() + ms;
  const worker = async () => {
    while (performance.now() < end) {
      const started = performance.now();
      const status = await post(agent, target.url, auditBody(), headers());
      latencies.push(performance.now() - started);
      if (status !== 201) {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  agent.destroy();
  const cpuAfter = cpuMsOf(target.child.pid);
  return {
    latencies,
    errors,
    cpuMs:
      cpuBefore === undefined || cpuAfter === undefined
        ? NaN
        : cpuAfter - cpuBefore,
  };
}

/** Requests per second, p50/p99 and CPU per request of the rounds one target had. */
function summarise(rounds) {
  const latencies = rounds.flatMap((round) => round.latencies);
  latencies.sort((a, b) => a - b);
  const at = (q) =>
    latencies[
      Math.min(latencies.length - 1, Math.floor(q * latencies.length))
    ] ?? NaN;
  return {
    rate: latencies.length / (rounds.length * ROUND_SECONDS),
    p50: at(0.5),
    p99: at(0.99),
    errors: rounds.reduce((sum, round) => sum + round.errors, 0),
    cpuMsPerRequest:
      rounds.reduce((sum, round) => sum + round.cpuMs, 0) / latencies.length,
  };
}

const NAMES = ['audit', 'keyed', 'plain'];
/**
 * The targets take turns in rounds this long, rather than one long run each: the database's write
 * latency on this kind of machine (SQLite syncing to a shared disk) moves by a factor of two from one
 * few-second stretch to the next, and short turns spread those stretches over every target alike.
 */
const ROUND_SECONDS = 1;

async function measureTable(targets, label, names) {
  print(`\n${label}`);
  const withBaseline = names.includes('baseline');
  print(
    `connections | append (as patient-tests) /s  p50  p99 err  cpu | append + Idempotency-Key /s  p50  p99 err  cpu | plain insertOne /s  p50  p99 err  cpu | append/plain  keyed/plain${withBaseline ? ' | baseline append /s  p50  p99 err  cpu | baseline/plain' : ''}`,
  );
  const targetOf = (name) => (name === 'keyed' ? targets.audit : targets[name]);
  for (const connections of CONNECTIONS) {
    for (const name of names) {
      await load(targetOf(name), headersFor[name], connections, 1000); // warm-up
    }
    const rounds = Object.fromEntries(names.map((name) => [name, []]));
    for (let round = 0; round < Math.max(1, SECONDS / ROUND_SECONDS); round++) {
      // Rotate which target goes first, so none always runs on a machine another just warmed.
      for (const [n] of names.entries()) {
        const name = names[(n + round) % names.length];
        rounds[name].push(
          await load(
            targetOf(name),
            headersFor[name],
            connections,
            ROUND_SECONDS * 1000,
          ),
        );
      }
    }
    const result = Object.fromEntries(
      names.map((name) => [name, summarise(rounds[name])]),
    );
    const cell = ({ rate, p50, p99, errors, cpuMsPerRequest }, width) =>
      `${rate.toFixed(0).padStart(width)} ${p50.toFixed(0).padStart(4)} ${p99.toFixed(0).padStart(4)} ${String(errors).padStart(3)} ${cpuMsPerRequest.toFixed(1).padStart(4)}`;
    const ratio = (name) =>
      `${(result[name].rate / result.plain.rate).toFixed(2)}x`;
    const baseline = withBaseline
      ? ` | ${cell(result.baseline, 18)} | ${ratio('baseline').padStart(14)}`
      : '';
    print(
      `${String(connections).padStart(11)} | ${cell(result.audit, 28)} | ${cell(result.keyed, 27)} | ${cell(result.plain, 18)} | ${ratio('audit').padStart(12)} ${ratio('keyed').padStart(12)}${baseline}`,
    );
  }
}

/** Fills the register to `count` records through the API itself (64 connections). */
async function fill(target, count) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  let sent = 0;
  let failed = 0;
  const started = performance.now();
  const worker = async () => {
    while (sent < count) {
      sent++;
      const status = await post(agent, target.url, auditBody(), {
        'x-functions-key': KEY,
      });
      if (status !== 201) {
        failed++;
        sent--;
      }
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  agent.destroy();
  const seconds = (performance.now() - started) / 1000;
  print(
    `\nfilled the register with ${count} records through the API in ${seconds.toFixed(0)} s (${failed} retried)`,
  );
}

async function main() {
  for (const entry of [AUDIT_ENTRY, BASELINE_ENTRY].filter(Boolean)) {
    if (!existsSync(entry)) {
      throw new Error(`${entry} is missing: build that tree first`);
    }
  }
  const database = process.env.MONGODB_URI
    ? { uri: process.env.MONGODB_URI, stop: async () => {} }
    : await startFerretDb({ logLevel: 'error' });
  const suffix = Date.now().toString(36);
  const targets = {
    audit: await startAudit(database.uri, `bench-audit-${suffix}`),
    plain: await startPlain(database.uri, `bench-plain-${suffix}`),
    ...(BASELINE_ENTRY && {
      baseline: await startAudit(
        database.uri,
        `bench-baseline-${suffix}`,
        BASELINE_ENTRY,
      ),
    }),
  };
  try {
    print(
      `audit append vs plain insertOne, ${SECONDS} s per cell, Node ${process.version}, database ${process.env.MONGODB_URI ? 'MONGODB_URI' : 'FerretDB (SQLite)'}`,
    );
    await measureTable(
      targets,
      `empty register${BASELINE_ENTRY ? `; baseline: ${values.baseline}` : ''}`,
      BASELINE_ENTRY ? [...NAMES, 'baseline'] : NAMES,
    );
    if (RECORDS > 0) {
      await fill(targets.audit, RECORDS);
      await measureTable(
        targets,
        `register with ${RECORDS} records and more`,
        NAMES,
      );
    }
  } finally {
    for (const { child } of Object.values(targets)) {
      child.kill('SIGTERM');
    }
    await database.stop();
  }
}

await main();
