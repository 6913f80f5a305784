// Process helpers shared by `make dev` (scripts/dev.mjs) and the e2e tests' global setup:
// free ports, waiting for a port or an HTTP health check, and starting FerretDB.
'use strict';
const { spawn } = require('node:child_process');
const { mkdtempSync, mkdirSync } = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const FERRETDB_BINARY = path.join(ROOT, '.tools', 'bin', 'ferretdb');

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
 * Starts FerretDB on SQLite. Returns its MongoDB URI and a stop function.
 * @param {{ port?: number, dataDir?: string, logLevel?: string }} options
 */
async function startFerretDb({ port, dataDir, logLevel = 'warn' } = {}) {
  const listenPort = port ?? (await freePort());
  const dir = dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'ferretdb-'));
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    FERRETDB_BINARY,
    [
      '--listen-addr',
      `127.0.0.1:${listenPort}`,
      '--data-dir',
      dir,
      '--log-level',
      logLevel,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const failed = new Promise((_, reject) =>
    child.once('error', (error) =>
      reject(
        new Error(
          `cannot start FerretDB (${FERRETDB_BINARY}): ${error.message}`,
        ),
      ),
    ),
  );
  await Promise.race([waitForPort(listenPort), failed]);
  return {
    uri: `mongodb://127.0.0.1:${listenPort}/`,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

module.exports = {
  ROOT,
  FERRETDB_BINARY,
  freePort,
  waitForPort,
  waitForHealth,
  startFerretDb,
  sleep,
};
