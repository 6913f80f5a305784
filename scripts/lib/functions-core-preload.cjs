// `node --require scripts/lib/functions-core-preload.cjs`: resolves `@azure/functions-core` to the stub
// beside this file, as the real worker provides that module to the functions it loads.
'use strict';
const Module = require('node:module');

const stub = require.resolve('./functions-core-stub.cjs');
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === '@azure/functions-core'
    ? stub
    : resolveFilename.call(this, request, ...rest);
};
