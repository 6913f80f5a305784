// `npm run bench:cold-start` (`make bench`): cold start of each app through its Azure Functions handler.
//
// For each app, fresh Node processes each load the Functions entry the way the worker does (with
// @azure/functions-core stubbed, see scripts/lib/functions-invoke.cjs) and serve GET /api/health, whose
// answer needs the database. Printed per app and variant, as medians over --runs processes:
//   first response  ms from process start (performance.timeOrigin) to the handler's response
//   load            ms from process start until the entry has been required (module loading)
//   bootstrap       the Nest bootstrap alone (createApp: NestFactory.create + init, no database wait)
// Variants (the package ones from dist/functions/<app>, `npm run package`):
//   unbundled            the tsc output (dist/apps/<app>/...) loading node_modules file by file
//   bundled              the package's app.js, loaded by Node alone
//   start-up cache       the package's main.js: app.js through startup.cache (what is deployed)
//   node cache, 1st      app.js with Node's own compile cache (NODE_COMPILE_CACHE) in an empty folder:
//                        a fresh instance with the cache in os.tmpdir(), or a cache shipped in the package
//                        but unzipped at another path (Node 22 keys its entries by absolute path)
//   node cache, later    the same, the folder filled by an earlier start at this very path: its best case
//                        (a restart on the same instance)
//   <dir's name>         with --baseline <dir> (repeatable): <dir>/<app>/main.js, e.g. a copy of
//                        dist/functions made before a change, to compare start-up caches in one run
// Runs alternate between the variants so that a busy machine slows all alike. Each set runs twice:
// telemetry off (no connection string), and telemetry on, as on a Function App with
// APPLICATIONINSIGHTS_CONNECTION_STRING (the SDK loads and starts; its ingestion endpoint is a closed
// local port and its own statistics are off, so nothing leaves the machine). A benchmark prints
// figures; it asserts nothing.
//
// Options: --runs N (default 15), --app <name> (repeatable), --package (re-run npm run package first),
// --baseline <dir> (repeatable).
// Database: MONGODB_URI if set, else FerretDB from .tools/bin (scripts/setup.sh builds it).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { startFerretDb } = require('../scripts/lib/processes.cjs');
const offlineTelemetryEnv = require('../scripts/lib/offline-telemetry-env.cjs');

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    app: { type: 'string', multiple: true },
    package: { type: 'boolean', default: false },
    baseline: { type: 'string', multiple: true },
  },
});
const RUNS = Number(values.runs);
const APPS = values.app ?? ['patient-tests', 'audit'];

const packageFile = (app, file) =>
  path.join(ROOT, 'dist', 'functions', app, file);
const unbundledEntry = (app) =>
  path.join(ROOT, 'dist', 'apps', app, 'apps', app, 'src', 'functions.js');

/**
 * The variants of one app: the entry to load and, for Node's compile cache, the NODE_COMPILE_CACHE
 * folder of each run (made fresh per run for the first start, shared for later starts).
 */
function variants(app, nodeCacheDir) {
  const list = [
    { name: 'unbundled', entry: unbundledEntry(app) },
    { name: 'bundled', entry: packageFile(app, 'app.js') },
    { name: 'start-up cache', entry: packageFile(app, 'main.js') },
    {
      name: 'node cache, 1st',
      entry: packageFile(app, 'app.js'),
      compileCache: () => mkdtempSync(path.join(nodeCacheDir, 'first-')),
    },
    {
      name: 'node cache, later',
      entry: packageFile(app, 'app.js'),
      compileCache: () => path.join(nodeCacheDir, 'later'),
    },
  ];
  for (const folder of values.baseline ?? []) {
    list.push({
      name: path.basename(folder),
      entry: path.resolve(folder, app, 'main.js'),
    });
  }
  return list;
}

function ensurePackages() {
  const missing = APPS.filter(
    (app) =>
      !existsSync(packageFile(app, 'main.js')) ||
      !existsSync(unbundledEntry(app)),
  );
  if (values.package || missing.length > 0) {
    const apps = values.package ? APPS : missing;
    process.stderr.write(`bench: packaging ${apps.join(', ')}\n`);
    const result = spawnSync(
      process.execPath,
      [
        path.join(ROOT, 'scripts', 'package.mjs'),
        '--no-zip',
        ...apps.flatMap((app) => ['--app', app]),
      ],
      { cwd: ROOT, stdio: 'inherit' },
    );
    if (result.status !== 0) {
      throw new Error('npm run package failed');
    }
  }
}

/** One fresh process: load the variant's entry, serve GET /api/health, report timings. */
function coldStart({ entry, compileCache }, baseEnv) {
  const cacheDir = compileCache?.();
  const env = cacheDir ? { ...baseEnv, NODE_COMPILE_CACHE: cacheDir } : baseEnv;
  const result = spawnSync(
    process.execPath,
    [
      '--require',
      path.join(ROOT, 'scripts', 'lib', 'functions-core-preload.cjs'),
      path.join(ROOT, 'scripts', 'lib', 'functions-invoke.cjs'),
      entry,
      'GET',
      '/api/health',
    ],
    // The package runs from its own folder, as the Functions host runs it from wwwroot.
    { cwd: path.dirname(entry), env, encoding: 'utf8' },
  );
  if (result.error) {
    // The process could not even be started (e.g. EAGAIN on a machine short of resources).
    return { status: `not started (${result.error.message})` };
  }
  const line = result.stdout
    .split('\n')
    .find((text) => text.startsWith('FUNCTIONS_INVOKE_RESULT '));
  if (result.status !== 0 || !line) {
    throw new Error(`${entry} failed:\n${result.stderr}`);
  }
  const { status, timings } = JSON.parse(
    line.slice('FUNCTIONS_INVOKE_RESULT '.length),
  );
  if (cacheDir && path.basename(cacheDir).startsWith('first-')) {
    rmSync(cacheDir, { recursive: true, force: true });
  }
  return { status, timings };
}

/**
 * A cold start that answered 200. On a busy machine the health check's database ping can exceed its
 * 2 s limit (503), or the process cannot be started: such a start measured the machine, not the
 * start, so it is run again (counted).
 */
let repeated = 0;
function measuredColdStart(variant, env) {
  for (let attempt = 1; ; attempt++) {
    const { status, timings } = coldStart(variant, env);
    if (status === 200) {
      return timings;
    }
    const retryable =
      status === 503 || String(status).startsWith('not started');
    if (!retryable || attempt === 3) {
      throw new Error(`${variant.entry} answered ${status}`);
    }
    repeated += 1;
  }
}

/** Environment per telemetry configuration. */
const TELEMETRY = {
  off: {},
  on: offlineTelemetryEnv,
};

const median = (numbers) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
};
const ms = (value) => `${Math.round(value)}`.padStart(6);

/** One app's rows of the table, printed as soon as it is measured (a later failure keeps them). */
function printRows(rows) {
  const lines = rows.map((row) => {
    const unbundled = rows.find(
      (other) =>
        other.telemetry === row.telemetry && other.variant === 'unbundled',
    );
    const ratio =
      row.variant === 'unbundled'
        ? ''
        : `${Math.round((100 * row.first) / unbundled.first)} %`;
    return `| ${row.app.padEnd(13)} | ${row.telemetry.padEnd(9)} | ${row.variant.padEnd(17)} | ${ms(row.first).padStart(14)} | ${`${Math.round(row.min)} - ${Math.round(row.max)}`.padEnd(13)} | ${ms(row.load).padStart(10)} | ${ms(row.bootstrap).padStart(14)} | ${ratio.padStart(12)} |`;
  });
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main() {
  ensurePackages();
  const database = process.env.MONGODB_URI
    ? { uri: process.env.MONGODB_URI, stop: async () => undefined }
    : await startFerretDb({ logLevel: 'error' });
  const nodeCaches = mkdtempSync(path.join(tmpdir(), 'bench-node-cache-'));
  process.stdout.write(
    [
      `Cold start through the Functions handler, median of ${RUNS} fresh processes each (ms; Node ${process.versions.node})`,
      '',
      '| app           | telemetry | variant           | first response | (min - max)   | load entry | Nest bootstrap | of unbundled |',
      '| ------------- | --------- | ----------------- | -------------: | ------------- | ---------: | -------------: | -----------: |',
      '',
    ].join('\n'),
  );
  try {
    for (const app of APPS) {
      const rows = [];
      const env = {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        MONGODB_URI: database.uri,
        MONGODB_DATABASE: `bench-${app}`,
        // patient-tests needs a key for the audit API to start; /api/health does not call it.
        AUDIT_API_KEY: 'bench-audit-key-000000001',
        // audit needs its key lists even inside Azure Functions; /api/health checks no key.
        API_KEYS: 'bench-audit-key-000000001',
        LOG_LEVEL: 'silent',
        // Only the first response is measured; no appTerminate (see functions-invoke.cjs).
        FUNCTIONS_INVOKE_SKIP_TERMINATE: '1',
      };
      for (const [telemetry, telemetryEnv] of Object.entries(TELEMETRY)) {
        const runEnv = { ...env, ...telemetryEnv };
        // Node's cache of this app and telemetry setting (the SDK's files are only loaded with it on).
        const list = variants(
          app,
          mkdtempSync(path.join(nodeCaches, `${app}-${telemetry}-`)),
        );
        const samples = new Map(list.map((variant) => [variant, []]));
        // One unmeasured run each, so the OS file cache is equally warm for all (and the later
        // starts of Node's compile cache find what this one wrote).
        for (const variant of list) {
          measuredColdStart(variant, runEnv);
        }
        for (let run = 0; run < RUNS; run++) {
          for (const variant of list) {
            samples.get(variant).push(measuredColdStart(variant, runEnv));
          }
        }
        for (const [variant, timings] of samples) {
          const first = timings.map((t) => t.firstResponse);
          rows.push({
            app,
            telemetry,
            variant: variant.name,
            first: median(first),
            min: Math.min(...first),
            max: Math.max(...first),
            load: median(timings.map((t) => t.requireEnd)),
            bootstrap: median(timings.map((t) => t.bootstrap)),
          });
        }
      }
      printRows(rows);
    }
  } finally {
    rmSync(nodeCaches, { recursive: true, force: true });
    await database.stop();
  }

  if (repeated > 0) {
    process.stdout.write(
      `\n${repeated} start(s) answered 503 (database ping over 2 s) or could not be started on a busy machine, and were run again.\n`,
    );
  }
}

await main();
