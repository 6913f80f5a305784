// A stand-in for `@azure/functions-core`, the module the Azure Functions Node.js worker hands to
// `@azure/functions` at run time. With it, `app.http(...)` and `app.hook.*` register exactly as under the
// real host (instead of the package's "test mode", which drops them), and the registrations can be read
// back: the e2e tests and the cold-start bench invoke the registered handler the way the host would.
// The registry lives on globalThis so every copy of this module (jest isolates modules) shares it.
'use strict';

const registry = (globalThis[Symbol.for('functions-core-stub')] ??= {
  functions: [],
  hooks: [],
});

module.exports = {
  registry,
  setProgrammingModel() {},
  registerFunction(metadata, callback) {
    registry.functions.push({ metadata, callback });
    return { dispose() {} };
  },
  registerHook(hookName, callback) {
    registry.hooks.push({ hookName, callback });
    return { dispose() {} };
  },
  // Worker system logs (the real worker forwards them to the host); nothing to forward to here.
  log() {},
};
