// `make dev`: starts each service's store (its own FerretDB, unless MONGODB_URI / AUDIT_MONGODB_URI name
// one) and both apps, waits until both answer /api/health, prints what it started and how to call it,
// and stops everything on Ctrl-C.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import processes from './lib/processes.cjs';

const { ROOT, startLocalStore, waitForHealth } = processes;

// patient-tests calls the audit app started here, on AUDIT_PORT, unless AUDIT_API_URL is set in the
// environment: the .env files' value names the default port and would send a stack started on other
// ports (scripts/lib/stack.sh) to someone else's audit app.
process.env.AUDIT_API_URL ??= `http://localhost:${process.env.AUDIT_PORT ?? '7072'}/api`;

// Precedence: variables already set > .env > .env.example (loadEnvFile never overrides).
for (const file of ['.env', '.env.example']) {
  const envPath = path.join(ROOT, file);
  if (existsSync(envPath)) {
    process.loadEnvFile(envPath);
  }
}

const APPS = [
  { name: 'audit', port: process.env.AUDIT_PORT ?? '7072' },
  { name: 'patient-tests', port: process.env.PATIENT_TESTS_PORT ?? '7071' },
];
const children = [];
const databases = [];
let stopping = false;

async function stopAll(code) {
  if (stopping) {
    return;
  }
  stopping = true;
  for (const child of children) {
    child.kill('SIGTERM');
  }
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) =>
          child.exitCode !== null ? resolve() : child.once('exit', resolve),
        ),
    ),
  );
  await Promise.all(databases.map((database) => database.stop()));
  process.exit(code);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

/**
 * Each service's connection string: MONGODB_URI for patient-tests and AUDIT_MONGODB_URI for audit when
 * set, else a FerretDB of the service's own. MONGODB_URI alone (one MongoDB or Cosmos DB for both) is
 * accepted for audit too, with a warning: the services then share a credential.
 */
async function storeUris() {
  const given = {
    'patient-tests': process.env.MONGODB_URI,
    audit: process.env.AUDIT_MONGODB_URI,
  };
  if (given['patient-tests'] && !given.audit) {
    given.audit = given['patient-tests'];
    console.warn(
      'AUDIT_MONGODB_URI is not set: audit uses MONGODB_URI too, so patient-tests can reach audit data ' +
        "(no separation of duties). Set AUDIT_MONGODB_URI to a credential of audit's own.",
    );
  }
  const uris = {};
  const started = {};
  for (const app of APPS) {
    if (given[app.name]) {
      uris[app.name] = given[app.name];
      started[app.name] =
        app.name === 'audit' && process.env.AUDIT_MONGODB_URI
          ? 'AUDIT_MONGODB_URI'
          : 'MONGODB_URI';
      continue;
    }
    const database = await startLocalStore(app.name, { logLevel: 'error' });
    databases.push(database);
    uris[app.name] = database.uri;
    // The audit chain's signed checkpoints live beside the data they vouch for (a fresh database
    // with old checkpoints would look truncated); a configured store wins.
    if (
      app.name === 'audit' &&
      !process.env.CHECKPOINT_DIR &&
      !process.env.CHECKPOINT_CONTAINER_URL
    ) {
      process.env.CHECKPOINT_DIR = `${database.dataDir}-checkpoints`;
      console.info(`Audit checkpoints in ${process.env.CHECKPOINT_DIR}`);
    }
    started[app.name] =
      `FerretDB on 127.0.0.1:${database.port} (user ${database.username}, ` +
      `SQLite in ${path.relative(ROOT, database.dataDir)})`;
  }
  return { uris, started };
}

async function main() {
  const { uris, started } = await storeUris();
  for (const app of APPS) {
    const entry = path.join(
      ROOT,
      'dist',
      'apps',
      app.name,
      'apps',
      app.name,
      'src',
      'main.js',
    );
    // Each app gets its own store's URI and never the other's.
    const { AUDIT_MONGODB_URI: _audit, ...env } = process.env;
    const child = spawn(process.execPath, [entry], {
      cwd: ROOT,
      env: { ...env, PORT: app.port, MONGODB_URI: uris[app.name] },
      stdio: 'inherit',
    });
    child.once('exit', (code) => {
      if (!stopping) {
        console.error(`${app.name} exited (${code}); stopping everything.`);
        void stopAll(1);
      }
    });
    children.push(child);
  }
  await Promise.all(
    APPS.map((app) => waitForHealth(`http://127.0.0.1:${app.port}/api/health`)),
  );
  const key = (process.env.API_KEYS ?? '').split(',')[0];
  // Reading the register needs an auditor's key; the append key gets 403.
  const readerKey = (process.env.AUDIT_READER_KEYS ?? '').split(',')[0];
  console.info(`
  patient-tests  http://localhost:${APPS[1].port}/api   (Swagger UI: http://localhost:${APPS[1].port}/api/docs)
  audit          http://localhost:${APPS[0].port}/api   (Swagger UI: http://localhost:${APPS[0].port}/api/docs)

  Databases, one credential each:
    patient-tests  ${started['patient-tests']}
    audit          ${started.audit}

  Try:
    curl -s -X POST http://localhost:${APPS[1].port}/api/patient \\
      -H 'x-functions-key: ${key}' -H 'content-type: application/json' \\
      -d '{"firstName":"Ada","lastName":"Lovelace","gender":"female","dateOfBirth":"1815-12-10","postCode":"2000"}'
    curl -s 'http://localhost:${APPS[0].port}/api/auditrecord?limit=5' -H 'x-functions-key: ${readerKey}'

  Ctrl-C stops everything.
`);
}

main().catch((error) => {
  console.error(`make dev failed: ${error.message}`);
  void stopAll(1);
});
