// `npm run package` (`make package`): one deployable Azure Functions package per app.
//
//   dist/functions/<app>/app.js        the app, @app/shared and their libraries bundled into one
//                                      file, without whitespace and comments (identifiers kept)
//   dist/functions/<app>/startup.cache V8's code cache of app.js and the externals it loads, and where
//                                      their require() calls resolved, from one warm-up invocation;
//                                      valid only for the Node version that runs this script
//   dist/functions/<app>/main.js       the entry: loads app.js through that cache when its version
//                                      tag and hashes hold, else with Node alone
//                                      (scripts/lib/startup-cache-loader.cjs)
//   dist/functions/<app>/host.json     apps/<app>/host.json
//   dist/functions/audit/explorer-ui/  the audit explorer's page (scripts/build-explorer.mjs)
//   dist/functions/<app>/package.json  main = main.js; dependencies = the run-time externals only,
//                                      at the exact versions of package-lock.json
//   dist/functions/<app>/node_modules  those externals, installed with `npm install --omit=dev`
//   dist/functions/<app>.zip           the folder, for `func azure functionapp publish` / zip deploy
//
// Why bundle: a cold start spends most of its time resolving and reading thousands of small files;
// one file loads much faster (see `npm run bench:cold-start`).
// Why tsc first: Nest's dependency injection needs `emitDecoratorMetadata`, which esbuild cannot emit,
// so `nest build <app>` compiles the TypeScript (resolving @app/shared) and esbuild bundles its output.
//
// Options: `--app <name>` (repeatable; default all), `--skip-build` (reuse dist/apps/<app>),
// `--no-zip`, `--out-dir <dir>` (default dist/functions). node_modules is reused when the dependency
// list is unchanged, so a re-run is quick.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { buildExplorer } from './build-explorer.mjs';
import offlineTelemetryEnv from './lib/offline-telemetry-env.cjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const APPS = ['patient-tests', 'audit'];

/**
 * Stay `require`d from node_modules at run time: the Functions runtime needs `@azure/functions`,
 * OpenTelemetry (through applicationinsights) can only instrument mongoose/mongodb when they are
 * loaded with `require`, not inlined in a bundle, and the checkpoint SDKs are loaded on demand.
 */
const RUNTIME_EXTERNALS = [
  '@azure/functions',
  'applicationinsights',
  '@opentelemetry/*',
  'mongoose',
  'mongodb',
  // The audit app imports these only when checkpoints are configured: installed beside the bundle
  // rather than inlined, so they add nothing to a cold start (storage-blob alone brings apache-arrow).
  '@azure/keyvault-keys',
  '@azure/storage-blob',
];
/** Installed even when the bundle does not name them itself (mongodb is what OpenTelemetry patches). */
const ALWAYS_INSTALLED = ['@azure/functions', 'mongoose', 'mongodb'];

/**
 * Optional packages Nest and its plugins load only inside try/catch (or only for other platforms).
 * They are not installed, so they stay unresolved `require`s that fail and are caught at run time.
 */
const OPTIONAL_EXTERNALS = [
  '@nestjs/microservices',
  '@nestjs/microservices/*',
  '@nestjs/websockets',
  '@nestjs/websockets/*',
  '@nestjs/platform-express',
  'class-transformer',
  'class-transformer/*',
  'class-validator',
  '@fastify/view',
];

const log = (message) => process.stderr.write(`package: ${message}\n`);

function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    ...options,
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}`);
  }
}

const packageName = (specifier) =>
  specifier.startsWith('@')
    ? specifier.split('/').slice(0, 2).join('/')
    : specifier.split('/')[0];

const matchesExternal = (name) =>
  RUNTIME_EXTERNALS.some((pattern) =>
    pattern.endsWith('/*')
      ? name.startsWith(pattern.slice(0, -1))
      : name === pattern,
  );

/** The run-time externals the bundle requires, with their versions from the lock file. */
function runtimeDependencies(metafile, lock) {
  const names = new Set(ALWAYS_INSTALLED);
  for (const output of Object.values(metafile.outputs)) {
    for (const { path: specifier, external } of output.imports) {
      const name = packageName(specifier);
      if (
        external &&
        !specifier.startsWith('node:') &&
        !builtinModules.includes(name) &&
        matchesExternal(name)
      ) {
        names.add(name);
      }
    }
  }
  return Object.fromEntries(
    [...names].sort().map((name) => {
      const locked = lock.packages[`node_modules/${name}`];
      if (!locked) {
        throw new Error(`${name} is not in package-lock.json`);
      }
      return [name, locked.version];
    }),
  );
}

/** The Nest CLI's tsc output layout: dist/apps/<app>/ mirrors the repository from its root. */
const compiledEntry = (app) =>
  path.join(ROOT, 'dist', 'apps', app, 'apps', app, 'src', 'functions.js');

/**
 * Writes startup.cache: one warm-up invocation of the package's own entry (GET /api/openapi.json,
 * which needs no database and runs the whole Nest bootstrap and request pipeline) in a fresh process,
 * which saves the cache on exit. Telemetry is on, pointed at a closed local port with the SDK's
 * own statistics off, so the cache also covers the Application Insights / OpenTelemetry modules a
 * Function App with a connection string loads. Placeholder keys only; nothing is served or sent.
 * The cache is tagged with this Node's version (process.execPath runs the warm-up), and a Function
 * App on another Node version ignores it: build with the Node version the app runs (.node-version).
 */
function writeStartupCache(app, out) {
  log(`${app}: start-up cache`);
  run(
    process.execPath,
    [
      '--require',
      path.join(ROOT, 'scripts', 'lib', 'functions-core-preload.cjs'),
      path.join(ROOT, 'scripts', 'lib', 'functions-invoke.cjs'),
      path.join(out, 'main.js'),
      'GET',
      '/api/openapi.json',
    ],
    {
      cwd: out,
      env: {
        PATH: process.env.PATH,
        STARTUP_CACHE_WRITE: '1',
        FUNCTIONS_INVOKE_SKIP_TERMINATE: '1',
        LOG_LEVEL: 'silent',
        // Never connected to: the connection is lazy and this request does not touch the database.
        MONGODB_URI: 'mongodb://127.0.0.1:9/',
        AUDIT_API_KEY: 'code-cache-warm-up-only',
        // audit needs its key lists even inside Azure Functions (README "Roles").
        API_KEYS: 'code-cache-warm-up-only',
        ...offlineTelemetryEnv,
      },
      stdio: 'ignore',
    },
  );
}

async function packageApp(app, { skipBuild, zip, outDir }) {
  const started = Date.now();
  if (!skipBuild || !existsSync(compiledEntry(app))) {
    log(`${app}: nest build`);
    run(path.join(ROOT, 'node_modules', '.bin', 'nest'), ['build', app]);
  }
  const out = path.join(outDir, app);
  mkdirSync(out, { recursive: true });
  // Also the cache files of earlier versions of this script, which would otherwise be zipped.
  for (const stale of [
    'main.js',
    'app.js',
    'startup.cache',
    'app.js.v8cache',
    'code.v8cache',
  ]) {
    rmSync(path.join(out, stale), { force: true });
  }

  log(`${app}: esbuild`);
  const { metafile } = await build({
    entryPoints: [compiledEntry(app)],
    outfile: path.join(out, 'app.js'),
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    // Nest and its error messages use class and function names.
    keepNames: true,
    // Less to read and parse at a cold start (7.6 -> 5.1 MB). Identifiers stay, so stack traces in the
    // logs stay readable; minifying them too (3.4 MB) measured only ~5 ms faster.
    minifyWhitespace: true,
    minifySyntax: true,
    external: [...RUNTIME_EXTERNALS, ...OPTIONAL_EXTERNALS],
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  });

  const lock = JSON.parse(
    readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'),
  );
  const dependencies = runtimeDependencies(metafile, lock);
  const manifest = {
    name: `${app}-functions`,
    version: lock.version ?? '0.0.0',
    private: true,
    description: `Azure Functions package of the ${app} API (built by scripts/package.mjs).`,
    main: 'main.js',
    engines: { node: '>=22' },
    dependencies,
  };
  writeFileSync(
    path.join(out, 'package.json'),
    `${JSON.stringify(manifest, null, 2)}\n`,
  );
  copyFileSync(
    path.join(ROOT, 'apps', app, 'host.json'),
    path.join(out, 'host.json'),
  );
  if (app === 'audit') {
    // The explorer's page, beside app.js, where the bundle looks for it (apps/audit/src/explorer/).
    log(`${app}: explorer page`);
    await buildExplorer(path.join(out, 'explorer-ui'));
  }

  // Reinstall only when the dependency list changed (the stamp is the manifest npm installed from).
  const stamp = path.join(out, 'node_modules', '.installed-from.json');
  const wanted = JSON.stringify(dependencies);
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== wanted) {
    log(
      `${app}: npm install --omit=dev ${Object.keys(dependencies).join(' ')}`,
    );
    rmSync(path.join(out, 'node_modules'), { recursive: true, force: true });
    // The project's lock file, so transitive dependencies get the versions that were tested too;
    // npm prunes it to what this manifest needs.
    copyFileSync(
      path.join(ROOT, 'package-lock.json'),
      path.join(out, 'package-lock.json'),
    );
    run(
      'npm',
      [
        'install',
        '--omit=dev',
        '--omit=optional',
        '--ignore-scripts',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
      ],
      { cwd: out },
    );
    writeFileSync(stamp, wanted);
  }

  copyFileSync(
    path.join(ROOT, 'scripts', 'lib', 'startup-cache-loader.cjs'),
    path.join(out, 'main.js'),
  );
  writeStartupCache(app, out);

  if (zip) {
    const archive = path.join(outDir, `${app}.zip`);
    rmSync(archive, { force: true });
    log(`${app}: zip`);
    // -X: no extra file attributes, so the archive depends only on the files.
    run('zip', ['-qrX', archive, '.'], { cwd: out });
    const size = statSync(archive).size;
    log(`${app}: ${archive} ${(size / 1024 / 1024).toFixed(1)} MiB`);
  }
  log(`${app}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return out;
}

const { values } = parseArgs({
  options: {
    app: { type: 'string', multiple: true },
    'skip-build': { type: 'boolean', default: false },
    'no-zip': { type: 'boolean', default: false },
    'out-dir': {
      type: 'string',
      default: path.join(ROOT, 'dist', 'functions'),
    },
  },
});
for (const app of values.app ?? APPS) {
  if (!APPS.includes(app)) {
    throw new Error(`unknown app ${app}; one of ${APPS.join(', ')}`);
  }
  await packageApp(app, {
    skipBuild: values['skip-build'],
    zip: !values['no-zip'],
    outDir: path.resolve(values['out-dir']),
  });
}
