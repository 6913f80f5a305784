// `make dev`: starts FerretDB (unless MONGODB_URI is set) and both apps, waits until both answer
// /api/health, prints how to call them, and stops everything on Ctrl-C.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import processes from './lib/processes.cjs';

const { ROOT, startFerretDb, waitForHealth } = processes;

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
let database;
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
  await database?.stop();
  process.exit(code);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

async function main() {
  if (!process.env.MONGODB_URI) {
    database = await startFerretDb({
      port: Number(process.env.FERRETDB_PORT ?? 27017),
      dataDir:
        process.env.FERRETDB_DATA_DIR ?? path.join(ROOT, '.data', 'ferretdb'),
      logLevel: 'error',
    });
    process.env.MONGODB_URI = database.uri;
    console.info(`FerretDB (SQLite in .data/ferretdb) at ${database.uri}`);
  }
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
    const child = spawn(process.execPath, [entry], {
      cwd: ROOT,
      env: { ...process.env, PORT: app.port },
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
