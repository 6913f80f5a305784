// The entry of a Functions package (package.json "main"; scripts/package.mjs copies it as main.js).
// It runs the bundle, app.js, through V8's code cache, app.js.v8cache, which scripts/package.mjs writes
// after one warm-up invocation: most of the bundle's compile work then leaves the cold start (measured:
// first response ~285 ms instead of ~390 ms). V8 rejects a cache made by another V8 version or other
// flags; the bundle then simply compiles as usual. Node's own NODE_COMPILE_CACHE cannot ship inside a
// package: its entries are keyed by the file's absolute path, which differs on the Function App.
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const file = path.join(__dirname, 'app.js');
const cacheFile = `${file}.v8cache`;
const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), {
  filename: file,
  cachedData: fs.existsSync(cacheFile) ? fs.readFileSync(cacheFile) : undefined,
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
});

const bundle = new Module(file, module);
bundle.filename = file;
bundle.paths = Module._nodeModulePaths(__dirname);
script
  .runInThisContext()
  .call(
    bundle.exports,
    bundle.exports,
    Module.createRequire(file),
    bundle,
    file,
    __dirname,
  );
bundle.loaded = true;
module.exports = bundle.exports;

// Set by scripts/package.mjs for the warm-up run, so the cache also holds the functions that ran.
if (process.env.V8_CACHE_WRITE === '1') {
  process.on('exit', () =>
    fs.writeFileSync(cacheFile, script.createCachedData()),
  );
}
