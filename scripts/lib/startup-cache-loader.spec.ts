import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// The start-up cache loader on a small package of its own (the real packages are covered by
// test/e2e/functions-package.e2e-spec.ts): app.js requires a library with a relative require, a
// library that uses import(), and, on demand, a file the warm-up never loaded.
const FILES: Record<string, string> = {
  'app.js': `
    const dep = require('dep');
    const dyn = require('dyn');
    const later = process.env.LOAD_LATER === '1' ? require('./later.js') : null;
    let answer;
    try {
      answer = dep.answer();
    } catch (error) {
      // Where the error was thrown, as a stack trace shows it: helper.js:<line>:<column>.
      answer = /helper\\.js:\\d+:\\d+/.exec(error.stack)[0];
    }
    dyn().then((kind) =>
      console.log('RESULT ' + JSON.stringify({ answer, kind, later })),
    );
  `,
  'later.js': `module.exports = 'loaded later';`,
  'node_modules/dep/package.json': '{ "name": "dep", "main": "lib/index.js" }',
  'node_modules/dep/lib/index.js': `
    const helper = require('./helper');
    exports.answer = () => helper(20);
  `,
  'node_modules/dep/lib/helper.js': `module.exports = (n) => { if (process.env.THROW === '1') throw new Error('helper failed'); return n * 2 + 2; };`,
  'node_modules/dyn/index.js': `
    module.exports = () => import('node:path').then((m) => typeof m.join);
  `,
};

interface Run {
  result: unknown;
  report?: { compiled: number; rejected: string[]; resolved: number };
  stderr: string;
}

function run(folder: string, env: Record<string, string> = {}): Run {
  const child = spawnSync(process.execPath, ['main.js'], {
    cwd: folder,
    env: { PATH: process.env.PATH, NODE_DEBUG: 'startup-cache', ...env },
    encoding: 'utf8',
  });
  if (child.status !== 0) {
    throw new Error(`exit ${child.status}: ${child.stderr}`);
  }
  const line = child.stdout
    .split('\n')
    .find((text) => text.startsWith('RESULT '));
  const report =
    /compiled (\d+) files from the cache; rejected: (.*); resolved (\d+) requests/.exec(
      child.stderr,
    );
  return {
    result: line ? JSON.parse(line.slice('RESULT '.length)) : undefined,
    report: report
      ? {
          compiled: Number(report[1]),
          rejected: JSON.parse(report[2]) as string[],
          resolved: Number(report[3]),
        }
      : undefined,
    stderr: child.stderr,
  };
}

describe('the start-up cache loader', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'startup-cache-'));
  const built = path.join(scratch, 'built');
  let copies = 0;

  /** The warmed-up package, copied to a folder of its own (as when unzipped on a Function App). */
  const deployed = () => {
    const folder = path.join(scratch, `deployed-${++copies}`);
    cpSync(built, folder, { recursive: true });
    return folder;
  };

  beforeAll(() => {
    for (const [file, content] of Object.entries(FILES)) {
      mkdirSync(path.dirname(path.join(built, file)), { recursive: true });
      writeFileSync(path.join(built, file), content);
    }
    writeFileSync(
      path.join(built, 'main.js'),
      readFileSync(path.join(__dirname, 'startup-cache-loader.cjs')),
    );
    run(built, { STARTUP_CACHE_WRITE: '1' });
  });

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const expected = { answer: 42, kind: 'function', later: null };

  it('compiles and resolves from the cache in another folder, with the same result', () => {
    const { result, report } = run(deployed());
    expect(result).toEqual(expected);
    // app.js, dep/lib/index.js, dep/lib/helper.js (dyn uses import(), see below).
    expect(report).toEqual({ compiled: 3, rejected: [], resolved: 4 });
  });

  it("leaves a library that uses import() to Node's own compile: the import works, no experimental warning", () => {
    const { result, stderr } = run(deployed());
    expect(result).toMatchObject({ kind: 'function' });
    expect(stderr).not.toContain('ExperimentalWarning');
  });

  it('resolves and compiles a file the warm-up never loaded the usual way', () => {
    const { result, report } = run(deployed(), { LOAD_LATER: '1' });
    expect(result).toEqual({ ...expected, later: 'loaded later' });
    expect(report).toEqual({ compiled: 3, rejected: [], resolved: 4 });
  });

  it('compiles as usual, and reports, code that V8 rejects', () => {
    const folder = deployed();
    const cacheFile = path.join(folder, 'startup.cache');
    const bytes = readFileSync(cacheFile);
    const indexEnd = 4 + bytes.readUInt32LE(0);
    // Damage every cached blob (V8 checks a checksum and header of each).
    for (let at = indexEnd; at < bytes.length; at += 16) {
      bytes[at] ^= 0xff;
    }
    writeFileSync(cacheFile, bytes);

    const { result, report } = run(folder);
    expect(result).toEqual(expected);
    expect(report?.compiled).toBe(0);
    expect(report?.rejected.sort()).toEqual([
      'app.js',
      'node_modules/dep/lib/helper.js',
      'node_modules/dep/lib/index.js',
    ]);
  });

  it('reports the same stack trace position as Node, also on the first line of a file', () => {
    const withoutCache = deployed();
    rmSync(path.join(withoutCache, 'startup.cache'));
    const node = run(withoutCache, { THROW: '1' });
    const cached = run(deployed(), { THROW: '1' });
    const column =
      FILES['node_modules/dep/lib/helper.js'].indexOf('new Error') + 1;
    expect(node.result).toMatchObject({ answer: `helper.js:1:${column}` });
    expect(cached.result).toEqual(node.result);
    expect(cached.report?.compiled).toBe(3);
  });

  it('runs as usual with a damaged cache file', () => {
    const folder = deployed();
    const cacheFile = path.join(folder, 'startup.cache');
    writeFileSync(cacheFile, readFileSync(cacheFile).subarray(0, 10));
    const { result, report } = run(folder);
    expect(result).toEqual(expected);
    expect(report).toEqual({ compiled: 0, rejected: [], resolved: 0 });
  });

  it('runs as usual without a cache file', () => {
    const folder = deployed();
    rmSync(path.join(folder, 'startup.cache'));
    const { result, report } = run(folder);
    expect(result).toEqual(expected);
    expect(report).toEqual({ compiled: 0, rejected: [], resolved: 0 });
  });
});
