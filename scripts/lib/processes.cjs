// Process helpers shared by `make dev` (scripts/dev.mjs), `make db` (scripts/db.mjs) and the e2e tests'
// global setup: free ports, waiting for a port or an HTTP health check, and starting FerretDB.
'use strict';
const { spawn } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { mkdtempSync, mkdirSync } = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
// scripts/toolchain.sh (ensure_ferretdb) builds it.
const FERRETDB_BINARY = path.join(ROOT, '.tools', 'bin', 'ferretdb-1.24');

/**
 * The stores of `make dev` and `make db`: one FerretDB per service, each its own process, data folder
 * (FERRETDB_DATA_DIR/<service>), port and user, so patient-tests' connection string cannot reach
 * audit's data. The passwords are local-only, like the local API keys; a data folder keeps its user
 * across restarts.
 */
const LOCAL_STORES = Object.freeze({
  'patient-tests': Object.freeze({
    port: 27017,
    portVariable: 'FERRETDB_PORT',
    username: 'patient-tests',
    password: 'local-patient-tests-db-not-secret',
  }),
  audit: Object.freeze({
    port: 27018,
    portVariable: 'AUDIT_FERRETDB_PORT',
    username: 'audit',
    password: 'local-audit-db-not-secret',
  }),
});

/** A TCP port that is free on 127.0.0.1 right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once something accepts TCP connections on host:port, or rejects after timeoutMs. */
async function waitForPort(
  port,
  { host = '127.0.0.1', timeoutMs = 15000 } = {},
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, host, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) {
      return;
    }
    await sleep(100);
  }
  throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
}

/** Resolves once `url` answers 200, or rejects after timeoutMs. */
async function waitForHealth(url, { timeoutMs = 30000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) {
        return;
      }
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}

/**
 * Starts FerretDB on SQLite with authentication on: only `username` (created in `admin` when the data
 * folder is new; kept there across restarts) can run commands. FerretDB 1.x authenticates users but
 * has no per-database roles, so a store is one process: a user reaches every database of its store and
 * nothing else. Returns its MongoDB URI (with the credential), the credential, and a stop function.
 * @param {{ port?: number, dataDir?: string, logLevel?: string, username?: string, password?: string }} options
 */
async function startFerretDb({
  port,
  dataDir,
  logLevel = 'warn',
  username = 'app',
  password = randomBytes(16).toString('hex'),
} = {}) {
  const listenPort = port ?? (await freePort());
  const dir = dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'ferretdb-'));
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    FERRETDB_BINARY,
    [
      '--handler=sqlite',
      `--sqlite-url=file:${dir}/`,
      `--state-dir=${dir}`,
      `--listen-addr=127.0.0.1:${listenPort}`,
      '--debug-addr=-',
      '--telemetry=disable',
      `--log-level=${logLevel}`,
      '--test-enable-new-auth',
      '--setup-database=admin',
      `--setup-username=${username}`,
    ],
    {
      // In the environment rather than the arguments, so `ps` does not show it.
      env: { ...process.env, FERRETDB_SETUP_PASSWORD: password },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const failed = new Promise((_, reject) => {
    child.once('error', (error) =>
      reject(
        new Error(
          `cannot start FerretDB (${FERRETDB_BINARY}): ${error.message}`,
        ),
      ),
    );
    child.once('exit', (code) =>
      reject(new Error(`FerretDB exited (${code}) before it listened`)),
    );
  });
  await Promise.race([waitForPort(listenPort), failed]);
  failed.catch(() => undefined);
  return {
    uri: `mongodb://${encodeURIComponent(username)}:${encodeURIComponent(password)}@127.0.0.1:${listenPort}/`,
    port: listenPort,
    username,
    password,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/**
 * Starts `service`'s local store as `make dev` and `make db` run it (LOCAL_STORES, with the port and
 * data folder the environment may override). Resolves to startFerretDb's result plus its data folder.
 * @param {'patient-tests' | 'audit'} service
 */
async function startLocalStore(service, { logLevel = 'warn' } = {}) {
  const store = LOCAL_STORES[service];
  const dataDir = path.join(
    process.env.FERRETDB_DATA_DIR ?? path.join(ROOT, '.data', 'ferretdb'),
    service,
  );
  const database = await startFerretDb({
    port: Number(process.env[store.portVariable] ?? store.port),
    dataDir,
    logLevel,
    username: store.username,
    password: store.password,
  });
  return { ...database, dataDir };
}

module.exports = {
  ROOT,
  FERRETDB_BINARY,
  LOCAL_STORES,
  freePort,
  waitForPort,
  waitForHealth,
  startFerretDb,
  startLocalStore,
  sleep,
};
