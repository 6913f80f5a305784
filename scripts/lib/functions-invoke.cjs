// Loads a Functions entry the way the Node.js worker does and serves one request through the handler it
// registered, in a fresh process: the packaged-output test, the telemetry test and the cold-start bench
// run it as
//   node --require scripts/lib/functions-core-preload.cjs scripts/lib/functions-invoke.cjs \
//     <entry.js> [METHOD] [/api/path]
// It prints one line, `FUNCTIONS_INVOKE_RESULT {json}`: status, body, the registered trigger, and
// timings in ms since the process started (performance.now()). Then it runs the appTerminate hooks
// as the host does on shutdown (unless FUNCTIONS_INVOKE_SKIP_TERMINATE=1), and exits.
'use strict';
const { createRequire } = require('node:module');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { registry } = require('./functions-core-stub.cjs');

const RESULT_PREFIX = 'FUNCTIONS_INVOKE_RESULT ';

async function main() {
  const [entryArgument, method = 'GET', route = '/api/health'] =
    process.argv.slice(2);
  if (!entryArgument) {
    throw new Error(
      'usage: functions-invoke.cjs <entry.js> [METHOD] [/api/path]',
    );
  }
  const entry = path.resolve(entryArgument);
  const started = performance.now();
  require(entry);
  const loaded = performance.now();

  // The catch-all: every app's API goes through it (audit also registers its explorer's page, served
  // by the same handler without a function key).
  const catchAll = registry.functions.filter(({ metadata }) =>
    Object.values(metadata.bindings).some(
      (binding) => binding.route === '{*segments}',
    ),
  );
  if (catchAll.length !== 1) {
    throw new Error(
      `expected one catch-all function, found ${catchAll.length} of ${registry.functions.length}`,
    );
  }
  const [{ metadata, callback }] = catchAll;
  // The entry's own copy of @azure/functions: for a package, the one in its node_modules.
  const { HttpRequest, InvocationContext } =
    createRequire(entry)('@azure/functions');
  // Optional: a JSON body, and the host's trace context (as the worker passes it) for telemetry tests.
  const body = process.env.FUNCTIONS_INVOKE_BODY;
  const traceParent = process.env.FUNCTIONS_INVOKE_TRACEPARENT;
  const response = await callback(
    new HttpRequest({
      method,
      url: `http://localhost:7071${route}`,
      headers: {
        'x-functions-key': process.env.FUNCTIONS_INVOKE_KEY ?? '',
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: { string: body } } : {}),
    }),
    new InvocationContext({
      invocationId: 'cold-start',
      functionName: metadata.name,
      logHandler: () => undefined,
      ...(traceParent ? { traceContext: { traceParent } } : {}),
    }),
  );
  const responded = performance.now();
  const responseBody = response.body
    ? Buffer.from(response.body).toString('utf8')
    : undefined;
  const [bootstrap] = performance.getEntriesByName('nest-bootstrap');

  process.stdout.write(
    `${RESULT_PREFIX}${JSON.stringify({
      status: response.status,
      body: responseBody,
      metadata,
      timings: {
        requireStart: started,
        requireEnd: loaded,
        bootstrap: bootstrap?.duration,
        firstResponse: responded,
      },
    })}\n`,
  );
  // The cold-start bench and the start-up cache warm-up need only the first response: with telemetry
  // pointed at a closed port, the SDK's final flush would keep the process ~10 s.
  if (process.env.FUNCTIONS_INVOKE_SKIP_TERMINATE === '1') {
    return;
  }
  for (const hook of registry.hooks.filter(
    (h) => h.hookName === 'appTerminate',
  )) {
    await hook.callback({ hookData: {}, appHookData: {} });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  },
);
