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
// Why not Node's own NODE_COMPILE_CACHE / module.enableCompileCache(): in Node 22 its entries are keyed
// by each file's absolute path, and the package runs from another folder on the Function App.
//
// Both parts assume what run-from-package guarantees: the package's files do not change after it is
// built (V8 checks only a cached source's length, so an edited file of the same length would run its
// old code: after editing a deployed file, delete startup.cache). V8 rejects code cached by another
// V8 version or with other flags; that file then compiles as usual, so build the package with the
// Node version the Function App runs. Requests the warm-up did not make, files outside the package,
// ES modules, files Node's loader must handle itself, and everything while source maps are enabled
// (Node maps stack traces only for files it compiles) go through Node's own resolution and compile.
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { debuglog } = require('node:util');
const vm = require('node:vm');

// NODE_DEBUG=startup-cache prints, on exit, what came from the cache and which code V8 rejected.
const debug = debuglog('startup-cache');

const PACKAGE_ROOT = __dirname + path.sep;
const CACHE_FILE = path.join(__dirname, 'startup.cache');
// Set by scripts/package.mjs for the warm-up run: record everything, save the cache on exit.
const WRITING = process.env.STARTUP_CACHE_WRITE === '1';

/** A path inside the package as the cache names it ('/'-separated, relative), else undefined. */
function packagePath(absolute) {
  return absolute.startsWith(PACKAGE_ROOT)
    ? absolute.slice(PACKAGE_ROOT.length).split(path.sep).join('/')
    : undefined;
}

/**
 * startup.cache: a 4-byte little-endian length, a JSON index
 *   { code: { "<file>": [offset, length] }, resolved: { "<directory>/\0<request>": "<file>" } }
 * (paths relative to the package), then V8's cached data of each file. A file's data is read when
 * that file is compiled, so only what is used is ever in memory; the descriptor stays open for
 * modules required later.
 */
function openCache() {
  const none = { code: {}, resolved: {}, read: () => undefined };
  let fd;
  try {
    fd = fs.openSync(CACHE_FILE, 'r');
    const read = (length, position) => {
      const bytes = Buffer.allocUnsafe(length);
      return fs.readSync(fd, bytes, 0, length, position) === length
        ? bytes
        : undefined;
    };
    const indexLength = read(4, 0).readUInt32LE(0);
    const { code, resolved } = JSON.parse(
      read(indexLength, 4).toString('utf8'),
    );
    const dataStart = 4 + indexLength;
    return {
      code,
      resolved,
      read: ([offset, length]) => read(length, dataStart + offset),
    };
  } catch {
    // No cache, or a damaged one: load the usual way.
    if (fd !== undefined) {
      fs.closeSync(fd);
    }
    return none;
  }
}

function writeCache({ scripts, resolved }) {
  const code = {};
  const blobs = [];
  let offset = 0;
  for (const [file, script] of scripts) {
    const data = script.createCachedData();
    code[file] = [offset, data.length];
    blobs.push(data);
    offset += data.length;
  }
  const index = Buffer.from(JSON.stringify({ code, resolved }));
  const header = Buffer.alloc(4);
  header.writeUInt32LE(index.length);
  fs.writeFileSync(CACHE_FILE, Buffer.concat([header, index, ...blobs]));
}

const cache = WRITING ? { code: {}, resolved: {} } : openCache();
const recorded = { scripts: new Map(), resolved: {} };
const stats = { compiled: 0, rejected: [], resolved: 0 };

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
    (WRITING || Object.hasOwn(cache.code, file)) &&
    (format === undefined || format === 'commonjs') &&
    !content.startsWith('#!') &&
    !process.sourceMapsEnabled &&
    // import() in a vm.Script needs Node's experimental main-context loader (and a warning on
    // stderr when it runs): a library file that uses it compiles the usual way. The bundle's one
    // import() is Nest's ESM loader for file-type validation, which these apps never call.
    (file === 'app.js' || !DYNAMIC_IMPORT.test(content));
  if (!ours) {
    return nodeCompile.call(this, content, filename, format);
  }
  let script;
  try {
    script = new vm.Script(Module.wrap(content), {
      filename,
      // Stack traces then show the columns of the file itself, not of the wrapped text.
      columnOffset: -Module.wrapper[0].length,
      cachedData: WRITING ? undefined : cache.read(cache.code[file]),
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    });
  } catch {
    // Not a CommonJS script (e.g. ES module syntax in a .js file): Node's loader knows what to do.
    return nodeCompile.call(this, content, filename, format);
  }
  if (WRITING) {
    recorded.scripts.set(file, script);
  } else if (script.cachedDataRejected) {
    stats.rejected.push(file);
  } else {
    stats.compiled += 1;
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
  process.on('exit', () => writeCache(recorded));
} else if (debug.enabled) {
  process.on('exit', () =>
    debug(
      'compiled %d files from the cache; rejected: %j; resolved %d requests from the cache',
      stats.compiled,
      stats.rejected,
      stats.resolved,
    ),
  );
}

module.exports = require('./app.js');
