// The entry of a Functions package (package.json "main"; scripts/package.mjs copies it as main.js).
// It loads the bundle, app.js, with V8's code cache for every CommonJS file of the package: the bundle
// and the externals it requires from the package's node_modules (mongoose, mongodb, @azure/functions
// and, with a connection string, the telemetry SDK). scripts/package.mjs writes that cache,
// code.v8cache, after one warm-up invocation, so it also holds the functions that ran then; most of
// the compile work leaves the cold start.
//
// Why not Node's own NODE_COMPILE_CACHE / module.enableCompileCache(): in Node 22 its entries are keyed
// by each file's absolute path, and the package runs from another folder on the Function App.
//
// V8 rejects a cache made by another V8 version or with other flags (and one whose source length
// differs); the file then simply compiles as usual. Build the package with the Node version the
// Function App runs. Files the warm-up did not load, ES modules and files Node's loader must handle
// itself fall through to Node's own compile.
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { debuglog } = require('node:util');
const vm = require('node:vm');

// NODE_DEBUG=v8-cache prints, on exit, how many files came from the cache and which were rejected.
const debug = debuglog('v8-cache');

const PACKAGE_ROOT = __dirname + path.sep;
const CACHE_FILE = path.join(__dirname, 'code.v8cache');
// Set by scripts/package.mjs for the warm-up run: compile everything, save the cache on exit.
const WRITING = process.env.V8_CACHE_WRITE === '1';

/**
 * code.v8cache: a 4-byte little-endian length, a JSON index
 * { "<path relative to the package>": [offset, length] }, then the cached data of each file. Each
 * file's data is read when that file is compiled, so only what is used is ever in memory; the
 * descriptor stays open for modules required later (a few KB of index, one descriptor).
 */
function openCache() {
  let fd;
  try {
    fd = fs.openSync(CACHE_FILE, 'r');
  } catch {
    return { has: () => false, get: () => undefined };
  }
  const read = (length, position) => {
    const bytes = Buffer.allocUnsafe(length);
    fs.readSync(fd, bytes, 0, length, position);
    return bytes;
  };
  const indexLength = read(4, 0).readUInt32LE(0);
  const index = JSON.parse(read(indexLength, 4).toString('utf8'));
  const dataStart = 4 + indexLength;
  return {
    has: (file) => Object.hasOwn(index, file),
    get: (file) =>
      Object.hasOwn(index, file)
        ? read(index[file][1], dataStart + index[file][0])
        : undefined,
  };
}

function writeCache(scripts) {
  const index = {};
  const blobs = [];
  let offset = 0;
  for (const [file, script] of scripts) {
    const data = script.createCachedData();
    index[file] = [offset, data.length];
    blobs.push(data);
    offset += data.length;
  }
  const indexBytes = Buffer.from(JSON.stringify(index));
  const header = Buffer.alloc(4);
  header.writeUInt32LE(indexBytes.length);
  fs.writeFileSync(CACHE_FILE, Buffer.concat([header, indexBytes, ...blobs]));
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

const cache = WRITING ? new Map() : openCache();
const stats = { accepted: 0, rejected: [] };
const compiled = new Map();
const nodeCompile = Module.prototype._compile;

Module.prototype._compile = function compileWithCodeCache(
  content,
  filename,
  format,
) {
  const file = filename.startsWith(PACKAGE_ROOT)
    ? filename.slice(PACKAGE_ROOT.length).split(path.sep).join('/')
    : undefined;
  const ours =
    file !== undefined &&
    (WRITING || cache.has(file)) &&
    (format === undefined || format === 'commonjs') &&
    !content.startsWith('#!') &&
    // import() in a vm.Script needs Node's experimental main-context loader (and a warning on
    // stderr when it runs): a library file that uses it compiles the usual way. The bundle's one
    // import() is Nest's ESM loader for file-type validation, which these apps never call.
    (file === 'app.js' || !content.includes('import('));
  if (!ours) {
    return nodeCompile.call(this, content, filename, format);
  }
  let script;
  try {
    script = new vm.Script(Module.wrap(content), {
      filename,
      cachedData: cache.get(file),
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
  } catch {
    // Not a CommonJS script (e.g. ES module syntax in a .js file): Node's loader knows what to do.
    return nodeCompile.call(this, content, filename, format);
  }
  if (WRITING) {
    compiled.set(file, script);
  } else if (script.cachedDataRejected) {
    stats.rejected.push(file);
  } else {
    stats.accepted += 1;
  }
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
  process.on('exit', () => writeCache(compiled));
} else if (debug.enabled) {
  process.on('exit', () =>
    debug(
      'compiled %d files from the cache; rejected: %j',
      stats.accepted,
      stats.rejected,
    ),
  );
}

module.exports = require('./app.js');
