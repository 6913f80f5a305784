// `npm run collections`: writes terraform/collections.json, the one list of the MongoDB collections and
// indexes each app uses, taken from the code's own mongoose schemas. Terraform declares exactly these on
// Cosmos DB (terraform/cosmos.tf reads the file), so the app and the database cannot drift;
// `--check` exits 1 when the committed file is stale (a test runs it).
//
// Which schemas belong to which app: every `*.schema.ts` under apps/<app>/src, plus the shared
// library's schemas the app registers (SHARED_SCHEMAS below: only patient-tests imports the generic
// IdempotencyModule; audit keeps its keys in its own collection). test/e2e/collections.e2e-spec.ts
// checks that each running app registers exactly the collections listed for it. A schema is a
// collection when it names one (`{ collection: '...' }`); nested schemas name none.
//
// Cosmos DB for MongoDB (RU) expires documents only through a TTL index on `_ts` (the time of the last
// write), never on a field of the document. A TTL index on a date field is therefore written as a `_ts`
// TTL: `expireAfterSeconds` as given when it is above 0; when it is 0 (the field holds the expiry time
// itself), the retention the app adds to "now" when it writes that field, from DATE_TTL_RETENTION below.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUT = path.join(ROOT, 'terraform', 'collections.json');
const APPS = ['patient-tests', 'audit'];
const SHARED = 'libs/shared/src';
const IDEMPOTENCY_SCHEMA = `${SHARED}/idempotency/idempotency-record.schema.ts`;
/** The libs/shared schemas each app registers, by the shared modules its AppModule imports. */
const SHARED_SCHEMAS = {
  'patient-tests': [IDEMPOTENCY_SCHEMA],
  audit: [],
};

function schemaFiles(dir) {
  return readdirSync(path.join(ROOT, dir), { recursive: true })
    .filter((file) => file.endsWith('.schema.ts'))
    .map((file) => path.join(dir, file))
    .sort();
}

/** Bundles the schema modules (TypeScript, @app/shared paths) and returns their exports, per file. */
async function loadModules(files) {
  const entry = files
    .map((file, i) => `export * as m${i} from ${JSON.stringify(`./${file}`)};`)
    .join('\n');
  // Inside the repository, so the bundle's external imports resolve from its node_modules.
  mkdirSync(path.join(ROOT, 'dist'), { recursive: true });
  const outDir = mkdtempSync(path.join(ROOT, 'dist', '.collections-'));
  const outfile = path.join(outDir, 'schemas.mjs');
  try {
    await build({
      stdin: { contents: entry, resolveDir: ROOT, loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      tsconfig: path.join(ROOT, 'tsconfig.json'),
      outfile,
      logLevel: 'warning',
    });
    const loaded = await import(pathToFileURL(outfile).href);
    return files.map((file, i) => ({ file, exports: loaded[`m${i}`] }));
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

function isSchema(value) {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof value.indexes === 'function' &&
    typeof value.get === 'function'
  );
}

function cosmosIndex(collection, [fields, options], retention) {
  const keys = Object.keys(fields);
  for (const [key, direction] of Object.entries(fields)) {
    if (direction !== 1 && direction !== -1) {
      throw new Error(
        `${collection}: index on ${key} is ${JSON.stringify(direction)}; only ascending/descending indexes are supported by Cosmos DB here`,
      );
    }
  }
  if (options?.expireAfterSeconds === undefined) {
    return { keys, unique: options?.unique === true };
  }
  const seconds =
    options.expireAfterSeconds > 0
      ? options.expireAfterSeconds
      : retention[collection];
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new Error(
      `${collection}: the TTL index on ${keys.join(',')} expires at the field's own date; add the retention to DATE_TTL_RETENTION in scripts/collections.mjs so Cosmos DB can expire on _ts`,
    );
  }
  return {
    keys: ['_ts'],
    unique: false,
    expireAfterSeconds: seconds,
    ttlOf: keys.join(','),
  };
}

function collectionsOf(modules, retention) {
  const collections = {};
  for (const { file, exports } of modules) {
    for (const schema of Object.values(exports).filter(isSchema)) {
      const name = schema.get('collection');
      if (!name) continue;
      if (collections[name]) {
        throw new Error(`collection ${name} is declared twice (${file})`);
      }
      const shardKey = schema.path('_shardKey') ? '_shardKey' : null;
      if (!shardKey) {
        throw new Error(
          `${file}: collection ${name} has no _shardKey; every collection is sharded on it in Cosmos DB`,
        );
      }
      const indexes = [
        // Cosmos DB requires the _id index to be declared with the collection.
        { keys: ['_id'], unique: true },
        ...schema.indexes().map((index) => cosmosIndex(name, index, retention)),
      ];
      const seen = new Set();
      for (const index of indexes) {
        const key = index.keys.join(',');
        if (seen.has(key)) {
          throw new Error(`${name}: index ${key} is declared twice`);
        }
        seen.add(key);
      }
      collections[name] = { source: file, shardKey, indexes };
    }
  }
  return Object.fromEntries(
    Object.entries(collections).sort(([a], [b]) => a.localeCompare(b)),
  );
}

export async function generate() {
  const shared = schemaFiles(SHARED);
  const unknown = Object.values(SHARED_SCHEMAS)
    .flat()
    .filter((file) => !shared.includes(file));
  if (unknown.length > 0) {
    throw new Error(
      `SHARED_SCHEMAS names no schema file: ${unknown.join(', ')}`,
    );
  }
  const perApp = Object.fromEntries(
    APPS.map((app) => [app, schemaFiles(`apps/${app}/src`)]),
  );
  const retentionFile = `${SHARED}/idempotency/idempotency.store.ts`;
  const modules = await loadModules([
    retentionFile,
    ...shared,
    ...Object.values(perApp).flat(),
  ]);
  const byFile = new Map(modules.map((m) => [m.file, m]));
  // Date-valued TTL fields, and how long after the write they expire: both key stores write
  // `expiresAt = now + IDEMPOTENCY_KEY_TTL_MS` (idempotency.store.ts, apps/audit's audit-appender.ts).
  const keyRetentionSeconds =
    byFile.get(retentionFile).exports.IDEMPOTENCY_KEY_TTL_MS / 1000;
  const claimFile =
    'apps/patient-tests/src/patients/patient-version-claim.schema.ts';
  const DATE_TTL_RETENTION = {
    idempotency_keys: keyRetentionSeconds,
    audit_append_keys: keyRetentionSeconds,
    patient_version_claims:
      byFile.get(claimFile).exports.PATIENT_VERSION_CLAIM_TTL_MS / 1000,
  };
  const apps = {};
  for (const app of APPS) {
    apps[app] = collectionsOf(
      [...SHARED_SCHEMAS[app], ...perApp[app]].map((file) => byFile.get(file)),
      DATE_TTL_RETENTION,
    );
  }
  return {
    $comment:
      'Generated by `npm run collections` from the mongoose schemas; do not edit. terraform/cosmos.tf declares exactly these.',
    apps,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const text = `${JSON.stringify(await generate(), null, 2)}\n`;
  if (process.argv.includes('--check')) {
    if (readFileSync(OUTPUT, 'utf8') !== text) {
      console.error(
        'terraform/collections.json is stale: run `npm run collections` and commit it',
      );
      process.exit(1);
    }
    console.log('terraform/collections.json is up to date');
  } else {
    writeFileSync(OUTPUT, text);
    console.log(`wrote ${path.relative(ROOT, OUTPUT)}`);
  }
}
