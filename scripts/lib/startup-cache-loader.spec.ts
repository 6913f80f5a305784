import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
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
// library that uses import(), and, on demand, a file the warm-up never loaded. It reports whether
// the loader's compile hook is installed, so a test can tell "inert" from "used, nothing from it".
const FILES: Record<string, string> = {
  'package.json': '{ "name": "tiny", "main": "main.js" }',
  'node_modules/.package-lock.json':
    '{ "name": "tiny", "lockfileVersion": 3, "packages": {} }',
  'app.js': `
    const dep = require('dep');
    const dyn = require('dyn');
    const later = process.env.LOAD_LATER === '1' ? require('./later.js') : null;
    const hooked = require('node:module').prototype._compile.name === 'compileWithCache';
    let answer;
    try {
      answer = dep.answer();
    } catch (error) {
      // Where the error was thrown, as a stack trace shows it: helper.js:<line>:<column>.
      answer = /helper\\.js:\\d+:\\d+/.exec(error.stack)[0];
    }
    dyn().then((kind) =>
      console.log('RESULT ' + JSON.stringify({ answer, kind, later, hooked })),
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

interface Report {
  compiled: number;
  rejected: string[];
  resolved: number;
  changed: string[];
  damaged: string[];
}

interface Run {
  result: unknown;
  /** The loader's NODE_DEBUG report; absent when it installed no hook. */
  report?: Report;
  /** Why the loader did not use the cache at all, if it said so. */
  notUsed?: string;
  stderr: string;
}

function run(
  folder: string,
  env: Record<string, string> = {},
  nodeOptions: string[] = [],
): Run {
  const child = spawnSync(process.execPath, [...nodeOptions, 'main.js'], {
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
    /compiled (\d+) files from the cache; rejected: (.*); resolved (\d+) requests from the cache; source changed: (.*); data damaged: (.*); checksums took/.exec(
      child.stderr,
    );
  return {
    result: line ? JSON.parse(line.slice('RESULT '.length)) : undefined,
    report: report
      ? {
          compiled: Number(report[1]),
          rejected: JSON.parse(report[2]) as string[],
          resolved: Number(report[3]),
          changed: JSON.parse(report[4]) as string[],
          damaged: JSON.parse(report[5]) as string[],
        }
      : undefined,
    notUsed: /startup\.cache not used: (.*)/.exec(child.stderr)?.[1],
    stderr: child.stderr,
  };
}

/** startup.cache in its parts (layout: scripts/lib/startup-cache-loader.cjs). */
function readCache(folder: string) {
  const bytes = readFileSync(path.join(folder, 'startup.cache'));
  const indexEnd = 36 + bytes.readUInt32LE(0);
  return {
    bytes,
    indexEnd,
    index: JSON.parse(bytes.toString('utf8', 36, indexEnd)) as {
      tag: Record<string, unknown>;
      code: Record<string, [number, number, number, number]>;
    },
  };
}

/** Rewrites the cache's index, with a correct hash, as another writer would have made it. */
function rewriteIndex(
  folder: string,
  edit: (index: ReturnType<typeof readCache>['index']) => void,
) {
  const { bytes, indexEnd, index } = readCache(folder);
  edit(index);
  const indexBytes = Buffer.from(JSON.stringify(index));
  const header = Buffer.alloc(36);
  header.writeUInt32LE(indexBytes.length, 0);
  createHash('sha256').update(indexBytes).digest().copy(header, 4);
  writeFileSync(
    path.join(folder, 'startup.cache'),
    Buffer.concat([header, indexBytes, bytes.subarray(indexEnd)]),
  );
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

  const expected = { answer: 42, kind: 'function', later: null, hooked: true };
  /** What Node's own loading gives: the same answers, with no hook of the loader installed. */
  const byNodeAlone = { ...expected, hooked: false };
  const CACHED_FILES = [
    'app.js',
    'node_modules/dep/lib/helper.js',
    'node_modules/dep/lib/index.js',
  ];

  it('compiles and resolves from the cache in another folder, with the same result', () => {
    const { result, report } = run(deployed());
    expect(result).toEqual(expected);
    // app.js, dep/lib/index.js, dep/lib/helper.js (dyn uses import(), see below).
    expect(report).toEqual({
      compiled: 3,
      rejected: [],
      resolved: 4,
      changed: [],
      damaged: [],
    });
  });

  it("leaves a library that uses import() to Node's own compile: the import works, no experimental warning", () => {
    const { result, stderr } = run(deployed());
    expect(result).toMatchObject({ kind: 'function' });
    expect(stderr).not.toContain('ExperimentalWarning');
  });

  it('resolves and compiles a file the warm-up never loaded the usual way', () => {
    const { result, report } = run(deployed(), { LOAD_LATER: '1' });
    expect(result).toEqual({ ...expected, later: 'loaded later' });
    expect(report).toMatchObject({ compiled: 3, rejected: [], resolved: 4 });
  });

  it('does not use the cached code of a file whose content changed, even at the same length', () => {
    const folder = deployed();
    const helper = path.join(folder, 'node_modules/dep/lib/helper.js');
    const source = readFileSync(helper, 'utf8');
    const edited = source.replace('n * 2 + 2', 'n * 2 + 3');
    expect(edited).not.toBe(source);
    expect(edited.length).toBe(source.length);
    writeFileSync(helper, edited);

    const { result, report } = run(folder);
    // V8 alone would accept the old code (it compares only the length) and answer 42.
    expect(result).toEqual({ ...expected, answer: 43 });
    expect(report).toMatchObject({
      compiled: 2,
      changed: ['node_modules/dep/lib/helper.js'],
      damaged: [],
    });
  });

  it.each([
    ['Node', { node: 'v22.0.0' }],
    ['V8', { v8: '12.4.254.21-node.1' }],
    ['loader format', { format: 1 }],
    ['architecture', { arch: 'arm64' }],
  ])(
    'installs no hook at all, warns, and loads with Node alone when the cache was made by another %s',
    (_, other) => {
      const folder = deployed();
      rewriteIndex(folder, (index) => Object.assign(index.tag, other));

      const { result, report, notUsed, stderr } = run(folder);
      expect(result).toEqual(byNodeAlone);
      expect(report).toBeUndefined();
      expect(notUsed).toContain('it was made for');
      expect(stderr).toContain('STARTUP_CACHE_NOT_USED');
    },
  );

  it('does not use the cache when the installed tree changed after it was made (its resolutions may not hold)', () => {
    const folder = deployed();
    writeFileSync(
      path.join(folder, 'node_modules/.package-lock.json'),
      '{ "name": "tiny", "lockfileVersion": 3, "packages": { "node_modules/x": {} } }',
    );
    const { result, report, notUsed } = run(folder);
    expect(result).toEqual(byNodeAlone);
    expect(report).toBeUndefined();
    expect(notUsed).toContain('changed after it was made');
  });

  it('compiles a file with Node when its cached V8 data is damaged, and uses the rest', () => {
    const folder = deployed();
    const { bytes, indexEnd, index } = readCache(folder);
    // One byte in the middle of helper.js's data, where V8's own header checks do not look.
    const [offset, length] = index.code['node_modules/dep/lib/helper.js'];
    bytes[indexEnd + offset + Math.floor(length / 2)] ^= 0xff;
    writeFileSync(path.join(folder, 'startup.cache'), bytes);

    const { result, report } = run(folder);
    expect(result).toEqual(expected);
    expect(report).toMatchObject({
      compiled: 2,
      changed: [],
      damaged: ['node_modules/dep/lib/helper.js'],
    });
  });

  it('does not use a cache whose index is damaged', () => {
    const folder = deployed();
    const { bytes } = readCache(folder);
    // Inside the index JSON: a file name, so the JSON still parses.
    const at = bytes.indexOf('helper.js');
    bytes[at] = 'H'.charCodeAt(0);
    writeFileSync(path.join(folder, 'startup.cache'), bytes);

    const { result, report, notUsed } = run(folder);
    expect(result).toEqual(byNodeAlone);
    expect(report).toBeUndefined();
    expect(notUsed).toContain('damaged');
  });

  it('compiles with Node, and reports, code that V8 rejects (other V8 flags than the warm-up)', () => {
    // A flag that changes V8's flag hash, which V8 checks before it uses cached data.
    const { result, report } = run(deployed(), {}, ['--no-lazy']);
    expect(result).toEqual(expected);
    // After the first rejection the loader stops offering cached data.
    expect(report).toMatchObject({ compiled: 0, damaged: [], changed: [] });
    expect(report?.rejected).toHaveLength(1);
    expect(CACHED_FILES).toContain(report?.rejected[0]);
  });

  it('reports the same stack trace position as Node, also on the first line of a file', () => {
    const withoutCache = deployed();
    rmSync(path.join(withoutCache, 'startup.cache'));
    const node = run(withoutCache, { THROW: '1' });
    const cached = run(deployed(), { THROW: '1' });
    const column =
      FILES['node_modules/dep/lib/helper.js'].indexOf('new Error') + 1;
    expect(node.result).toMatchObject({ answer: `helper.js:1:${column}` });
    expect(cached.result).toEqual({ ...node.result!, hooked: true });
    expect(cached.report?.compiled).toBe(3);
  });

  it.each([
    ['truncated', (bytes: Buffer) => bytes.subarray(0, 10)],
    ['cut in its V8 data', (bytes: Buffer) => bytes.subarray(0, -100)],
    ['not a cache at all', () => Buffer.from('{"tag":{}}')],
    ['empty', () => Buffer.alloc(0)],
  ])(
    'loads with Node alone when the cache file is %s',
    (_, damage: (bytes: Buffer) => Buffer) => {
      const folder = deployed();
      const cacheFile = path.join(folder, 'startup.cache');
      writeFileSync(cacheFile, damage(readFileSync(cacheFile)));
      const { result } = run(folder);
      // Cut in its V8 data: the index is intact, so the hooks are in, and the files whose data is
      // missing are compiled by Node.
      expect(result).toMatchObject({ answer: 42, kind: 'function' });
    },
  );

  it('loads with Node alone, quietly, without a cache file', () => {
    const folder = deployed();
    rmSync(path.join(folder, 'startup.cache'));
    const { result, report, stderr } = run(folder);
    expect(result).toEqual(byNodeAlone);
    expect(report).toBeUndefined();
    expect(stderr).not.toContain('STARTUP_CACHE_NOT_USED');
  });
});
