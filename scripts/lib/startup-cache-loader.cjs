// The entry of a Functions package (package.json "main"; scripts/package.mjs copies it as main.js).
// It loads the bundle, app.js, through the package's start-up cache, startup.cache, which
// scripts/package.mjs writes after one warm-up invocation of the package. The cache holds, for the
// CommonJS files that warm-up loaded (the bundle and the externals it requires from node_modules:
// mongoose, mongodb, @azure/functions and, with a connection string, the telemetry SDK):
// - V8's code cache of each file, including the functions that ran then, so a cold start does not
//   compile them again;
// - where each `require()` from a package file resolved to, so a cold start does not search
//   node_modules again (Node tries many paths per request; the telemetry SDK alone makes ~3,700).
// Measured by `npm run bench:cold-start`; see docs/functions.md#performance.
//
// Why not Node's own compile cache (module.enableCompileCache() / NODE_COMPILE_CACHE): in Node 22 its
// entries are keyed by each file's absolute path, so a cache built with the package misses wherever
// the package is unzipped (its `portable` mode needs Node 24.12+), and a cache written to os.tmpdir()
// at start-up helps only a later start on the same instance. It also leaves resolution alone, which is
// most of this cache's gain with telemetry on. Both are measured side by side by the bench.
//
// Safe by construction: the cache is used only when nothing casts doubt on it, and every doubt means
// Node's own loading:
// - the cache is tagged with the Node and V8 versions, platform and architecture that wrote it and
//   this file's format; any difference leaves the loader inert: it installs no hook, so another Node
//   (whose loader internals, resolution rules or V8 may differ) runs only its own, public, loading;
// - a SHA-256 of the index, a CRC-32 of each file's source and of its V8 data: a damaged index means
//   no cache; a file whose source is not the one the cache was made from, or whose data is damaged,
//   is compiled by Node (V8 itself only compares a source's length);
// - the resolutions are valid for the installed tree, identified by hashes of package.json and
//   npm's node_modules/.package-lock.json (rewritten by every npm change to node_modules);
// - an unreadable or truncated file, or code V8 rejects (other V8 flags), means Node's loading too.
// The hooks replace Node's Module._resolveFilename and Module.prototype._compile, which are not
// public: Node 22 has no public way to give V8 cached data to a CommonJS compile or to answer a
// require() from a table (module.registerHooks is experimental in 22 and cannot pass cached data).
// The version tag is what makes that safe: they run only on the exact Node that wrote the cache in
// the package's warm-up, where `npm run package` and the package e2e tests exercised them.
// Requests the warm-up did not make, files outside the package, ES modules, files Node's loader must
// handle itself, and everything while source maps are enabled (Node maps stack traces only for files
// it compiles) go through Node's own resolution and compile.
// NODE_DEBUG=startup-cache prints what came from the cache, and why a cache was not used.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { debuglog } = require('node:util');
const vm = require('node:vm');
const zlib = require('node:zlib');

const debug = debuglog('startup-cache');

const PACKAGE_ROOT = __dirname + path.sep;
const CACHE_FILE = path.join(__dirname, 'startup.cache');
// Set by scripts/package.mjs for the warm-up run: record everything, save the cache on exit.
const WRITING = process.env.STARTUP_CACHE_WRITE === '1';

/** What a cache is valid for; raise `format` whenever this file changes what it writes or reads. */
const TAG = Object.freeze({
  format: 2,
  node: process.version,
  v8: process.versions.v8,
  platform: process.platform,
  arch: process.arch,
});

/** The files, besides the code itself, whose content the cached resolutions depend on. */
const TREE_FILES = ['package.json', 'node_modules/.package-lock.json'];

/** startup.cache: index length (4 bytes LE), SHA-256 of the index (32 bytes), index, V8 data. */
const HEADER_LENGTH = 4 + 32;

const sha256 = (data) => crypto.hash('sha256', data, 'base64');
/**
 * The check of each file's source and V8 data: CRC-32, as Node's own compile cache checks a source.
 * It guards against a stale or damaged cache, not an attacker (who could as well edit the code), and
 * with telemetry on (16 M characters of source) it took 14 ms at best where SHA-256 took 30-56 ms,
 * mostly converting the strings to UTF-8 (docs/functions.md#performance).
 */
const checksum = (data) => zlib.crc32(data);

/** A path inside the package as the cache names it ('/'-separated, relative), else undefined. */
function packagePath(absolute) {
  return absolute.startsWith(PACKAGE_ROOT)
    ? absolute.slice(PACKAGE_ROOT.length).split(path.sep).join('/')
    : undefined;
}

/** Hashes of TREE_FILES as they are now (null for a missing file). */
function treeFingerprint() {
  return Object.fromEntries(
    TREE_FILES.map((file) => {
      try {
        return [file, sha256(fs.readFileSync(path.join(__dirname, file)))];
      } catch {
        return [file, null];
      }
    }),
  );
}

const sameJson = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The index of startup.cache if this process may use it, else `{ reason }`:
 *   { tag, tree: { "<file>": sha256 },
 *     code: { "<file>": [offset, length, CRC-32 of source, CRC-32 of data] },
 *     resolved: { "<directory>/\0<request>": "<file>" } }
 * (paths relative to the package). A file's V8 data is read when that file is compiled, so only what
 * is used is ever in memory; the descriptor stays open for modules required later.
 */
function openCache() {
  let fd;
  try {
    fd = fs.openSync(CACHE_FILE, 'r');
  } catch (error) {
    // A package built without a cache is not a doubt worth a warning.
    return {
      reason: `cannot open startup.cache (${error.code})`,
      expected: error.code === 'ENOENT',
    };
  }
  const read = (length, position) => {
    const bytes = Buffer.allocUnsafe(length);
    if (fs.readSync(fd, bytes, 0, length, position) !== length) {
      throw new Error('startup.cache is shorter than its index says');
    }
    return bytes;
  };
  const refuse = (reason) => {
    fs.closeSync(fd);
    return { reason };
  };
  try {
    const header = read(HEADER_LENGTH, 0);
    const indexBytes = read(header.readUInt32LE(0), HEADER_LENGTH);
    if (sha256(indexBytes) !== header.toString('base64', 4)) {
      return refuse('its index does not match its hash (damaged)');
    }
    const index = JSON.parse(indexBytes.toString('utf8'));
    if (!sameJson(index.tag, TAG)) {
      return refuse(
        `it was made for ${JSON.stringify(index.tag)}, this is ${JSON.stringify(TAG)}; build the package with this Node version`,
      );
    }
    if (!sameJson(index.tree, treeFingerprint())) {
      return refuse(
        `${TREE_FILES.join(' or ')} changed after it was made (its resolutions may not hold)`,
      );
    }
    const dataStart = HEADER_LENGTH + indexBytes.length;
    return {
      ...index,
      read: (offset, length) => read(length, dataStart + offset),
    };
  } catch (error) {
    return refuse(`unreadable (${error.message})`);
  }
}

function writeCache({ scripts, resolved }) {
  const code = {};
  const blobs = [];
  let offset = 0;
  for (const [file, { script, source }] of scripts) {
    const data = script.createCachedData();
    code[file] = [offset, data.length, source, checksum(data)];
    blobs.push(data);
    offset += data.length;
  }
  const index = Buffer.from(
    JSON.stringify({ tag: TAG, tree: treeFingerprint(), code, resolved }),
  );
  const header = Buffer.alloc(HEADER_LENGTH);
  header.writeUInt32LE(index.length, 0);
  header.write(sha256(index), 4, 'base64');
  fs.writeFileSync(CACHE_FILE, Buffer.concat([header, index, ...blobs]));
}

/** The `require` Node gives a CommonJS module (its loader builds the same function internally). */
function requireFor(mod) {
  function require(id) {
    return mod.require(id);
  }
  function resolve(request, options) {
    return Module._resolveFilename(request, mod, false, options);
  }
  resolve.paths = (request) => Module._resolveLookupPaths(request, mod);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

function installHooks(cache) {
  const recorded = { scripts: new Map(), resolved: {} };
  const stats = {
    compiled: 0,
    rejected: [],
    resolved: 0,
    changed: [],
    damaged: [],
    checksumMs: 0,
  };
  // After V8 rejects one file's data (other V8 flags than the warm-up's), it would reject the rest.
  let codeUsable = true;

  // Resolution: Node's answer depends only on the requesting file's directory and the request (for
  // require() without options), and the package's files are fixed, so the warm-up's answers hold.
  const nodeResolveFilename = Module._resolveFilename;
  Module._resolveFilename = function resolveWithCache(
    request,
    parent,
    isMain,
    options,
  ) {
    const from =
      !isMain && options === undefined && parent?.filename
        ? packagePath(path.dirname(parent.filename) + path.sep)
        : undefined;
    if (from === undefined || Module.isBuiltin(request)) {
      return nodeResolveFilename.call(this, request, parent, isMain, options);
    }
    const key = `${from}\0${request}`;
    const known = Object.hasOwn(cache.resolved, key)
      ? cache.resolved[key]
      : undefined;
    if (known !== undefined) {
      stats.resolved += 1;
      return path.join(__dirname, known);
    }
    const filename = nodeResolveFilename.call(
      this,
      request,
      parent,
      isMain,
      options,
    );
    const file = WRITING ? packagePath(filename) : undefined;
    if (file !== undefined) {
      recorded.resolved[key] = file;
    }
    return filename;
  };

  /** checksum(data), timed for the NODE_DEBUG report. */
  function timedChecksum(data) {
    const started = performance.now();
    const sum = checksum(data);
    stats.checksumMs += performance.now() - started;
    return sum;
  }

  /** The V8 data for `file` if it was made from exactly this source and is intact, else undefined. */
  function cachedDataFor(file, content) {
    const [offset, length, sourceSum, dataSum] = cache.code[file];
    if (timedChecksum(content) !== sourceSum) {
      stats.changed.push(file);
      return undefined;
    }
    const data = cache.read(offset, length);
    if (timedChecksum(data) !== dataSum) {
      stats.damaged.push(file);
      return undefined;
    }
    return data;
  }

  // Compilation: the same wrapper Node uses, compiled by vm.Script, which accepts V8's cached data.
  const DYNAMIC_IMPORT = /\bimport\s*\(/;
  const nodeCompile = Module.prototype._compile;
  Module.prototype._compile = function compileWithCache(
    content,
    filename,
    format,
  ) {
    const file = packagePath(filename);
    const ours =
      file !== undefined &&
      (WRITING || (codeUsable && Object.hasOwn(cache.code, file))) &&
      (format === undefined || format === 'commonjs') &&
      !content.startsWith('#!') &&
      !process.sourceMapsEnabled &&
      // import() in a vm.Script needs Node's experimental main-context loader (and a warning on
      // stderr when it runs): a library file that uses it compiles the usual way. The bundle's one
      // import() is Nest's ESM loader for file-type validation, which these apps never call.
      (file === 'app.js' || !DYNAMIC_IMPORT.test(content));
    let script;
    if (ours) {
      try {
        const cachedData = WRITING ? undefined : cachedDataFor(file, content);
        script =
          WRITING || cachedData
            ? new vm.Script(Module.wrap(content), {
                filename,
                // Stack traces then show the columns of the file itself, not of the wrapped text.
                columnOffset: -Module.wrapper[0].length,
                cachedData,
                importModuleDynamically:
                  vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
              })
            : undefined;
      } catch {
        // Not a CommonJS script (e.g. ES module syntax in a .js file), or the cache could not be
        // read: Node's loader knows what to do.
        script = undefined;
      }
    }
    if (script?.cachedDataRejected) {
      stats.rejected.push(file);
      codeUsable = false;
      script = undefined;
    }
    if (script === undefined) {
      return nodeCompile.call(this, content, filename, format);
    }
    if (WRITING) {
      recorded.scripts.set(file, { script, source: checksum(content) });
    } else {
      stats.compiled += 1;
    }
    // Outside the try above: an error of the module's own code is the module's, not the cache's.
    return script
      .runInThisContext({ displayErrors: true })
      .call(
        this.exports,
        this.exports,
        requireFor(this),
        this,
        filename,
        path.dirname(filename),
      );
  };

  if (WRITING) {
    process.on('exit', () => writeCache(recorded));
  } else if (debug.enabled) {
    process.on('exit', () =>
      debug(
        'compiled %d files from the cache; rejected: %j; resolved %d requests from the cache; source changed: %j; data damaged: %j; checksums took %d ms',
        stats.compiled,
        stats.rejected,
        stats.resolved,
        stats.changed,
        stats.damaged,
        Math.round(stats.checksumMs),
      ),
    );
  }
}

if (WRITING) {
  installHooks({ code: {}, resolved: {} });
} else {
  const cache = openCache();
  if (cache.reason === undefined) {
    installHooks(cache);
  } else if (!cache.expected) {
    // Not silent: every cold start is then about twice as slow (docs/functions.md#performance).
    process.emitWarning(`startup.cache not used: ${cache.reason}`, {
      code: 'STARTUP_CACHE_NOT_USED',
    });
  } else {
    debug('startup.cache not used: %s', cache.reason);
  }
}

module.exports = require('./app.js');
