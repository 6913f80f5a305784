// `npm run bench:cold-start` (`make bench`): cold start of each app through its Azure Functions handler.
//
// For each app, fresh Node processes each load the Functions entry the way the worker does (with
// @azure/functions-core stubbed, see scripts/lib/functions-invoke.cjs) and serve GET /api/health, whose
// answer needs the database. Printed per app and variant, as medians over --runs processes:
//   first response  ms from process start (performance.timeOrigin) to the handler's response
//   load            ms from process start until the entry has been required (module loading)
//   bootstrap       the Nest bootstrap alone (createApp: NestFactory.create + init, no database wait)
// Variants: "bundled" = dist/functions/<app>/main.js (npm run package), "unbundled" = the tsc output
// (dist/apps/<app>/...) loading node_modules file by file. Runs alternate between the variants so
// that a busy machine slows both alike. Each pair runs twice: telemetry off (no connection string),
// and telemetry on, as on a Function App with APPLICATIONINSIGHTS_CONNECTION_STRING (the SDK loads
// and starts; its ingestion endpoint is a closed local port and its own statistics are off, so
// nothing leaves the machine). A benchmark prints figures; it asserts nothing.
//
// Options: --runs N (default 15), --app <name> (repeatable), --package (re-run npm run package first).
// Database: MONGODB_URI if set, else FerretDB from .tools/bin (scripts/setup.sh builds it).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
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
  },
});
const RUNS = Number(values.runs);
const APPS = values.app ?? ['patient-tests', 'audit'];

const entries = (app) => ({
  bundled: path.join(ROOT, 'dist', 'functions', app, 'main.js'),
  unbundled: path.join(
    ROOT,
    'dist',
    'apps',
    app,
    'apps',
    app,
    'src',
    'functions.js',
  ),
});

function ensurePackages() {
  const missing = APPS.filter((app) =>
    Object.values(entries(app)).some((entry) => !existsSync(entry)),
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

/** One fresh process: load the entry, serve GET /api/health, report timings. */
function coldStart(entry, env) {
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
  const line = result.stdout
    .split('\n')
    .find((text) => text.startsWith('FUNCTIONS_INVOKE_RESULT '));
  if (result.status !== 0 || !line) {
    throw new Error(`${entry} failed:\n${result.stderr}`);
  }
  const { status, timings } = JSON.parse(
    line.slice('FUNCTIONS_INVOKE_RESULT '.length),
  );
  if (status !== 200) {
    throw new Error(`${entry} answered ${status}`);
  }
  return timings;
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

async function main() {
  ensurePackages();
  const database = process.env.MONGODB_URI
    ? { uri: process.env.MONGODB_URI, stop: async () => undefined }
    : await startFerretDb({ logLevel: 'error' });
  const rows = [];
  try {
    for (const app of APPS) {
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
      const variants = entries(app);
      for (const [telemetry, telemetryEnv] of Object.entries(TELEMETRY)) {
        const runEnv = { ...env, ...telemetryEnv };
        const samples = { bundled: [], unbundled: [] };
        // One unmeasured run each, so the OS file cache is equally warm for both.
        for (const entry of Object.values(variants)) {
          coldStart(entry, runEnv);
        }
        for (let run = 0; run < RUNS; run++) {
          for (const [variant, entry] of Object.entries(variants)) {
            samples[variant].push(coldStart(entry, runEnv));
          }
        }
        for (const [variant, timings] of Object.entries(samples)) {
          const first = timings.map((t) => t.firstResponse);
          rows.push({
            app,
            telemetry,
            variant,
            first: median(first),
            min: Math.min(...first),
            max: Math.max(...first),
            load: median(timings.map((t) => t.requireEnd)),
            bootstrap: median(timings.map((t) => t.bootstrap)),
          });
        }
      }
      process.stderr.write(`bench: ${app} done\n`);
    }
  } finally {
    await database.stop();
  }

  const lines = [
    `Cold start through the Functions handler, median of ${RUNS} fresh processes each (ms; Node ${process.versions.node})`,
    '',
    '| app           | telemetry | variant   | first response | (min - max)   | load entry | Nest bootstrap | bundled / unbundled |',
    '| ------------- | --------- | --------- | -------------: | ------------- | ---------: | -------------: | ------------------: |',
  ];
  for (const row of rows) {
    const unbundled = rows.find(
      (other) =>
        other.app === row.app &&
        other.telemetry === row.telemetry &&
        other.variant === 'unbundled',
    );
    const ratio =
      row.variant === 'bundled'
        ? `${Math.round((100 * row.first) / unbundled.first)} %`
        : '';
    lines.push(
      `| ${row.app.padEnd(13)} | ${row.telemetry.padEnd(9)} | ${row.variant.padEnd(9)} | ${ms(row.first).padStart(14)} | ${`${Math.round(row.min)} - ${Math.round(row.max)}`.padEnd(13)} | ${ms(row.load).padStart(10)} | ${ms(row.bootstrap).padStart(14)} | ${ratio.padStart(19)} |`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
