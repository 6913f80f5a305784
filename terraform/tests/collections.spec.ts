import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

interface Index {
  keys: string[];
  unique: boolean;
  expireAfterSeconds?: number;
  ttlOf?: string;
}
interface Collections {
  apps: Record<string, Record<string, { shardKey: string; indexes: Index[] }>>;
}

const run = (...args: string[]) =>
  execFileSync(process.execPath, ['scripts/collections.mjs', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: 'pipe',
  });

describe('terraform/collections.json (the one list of collections and indexes)', () => {
  const committed = JSON.parse(
    readFileSync(join(ROOT, 'terraform', 'collections.json'), 'utf8'),
  ) as Collections;

  it('is what `npm run collections` generates from the mongoose schemas now', () => {
    // Exits 1 and says to regenerate when a schema changed without the file.
    expect(run('--check')).toContain('up to date');
  });

  it('is read by Terraform, which declares its collections from it (not a copy)', () => {
    const main = readFileSync(join(ROOT, 'terraform', 'main.tf'), 'utf8');
    const cosmos = readFileSync(join(ROOT, 'terraform', 'cosmos.tf'), 'utf8');
    expect(main).toMatch(/jsondecode\(file\("\$\{path\.module\}\/collections\.json"\)\)/);
    expect(cosmos).toMatch(/for_each\s+=\s+local\.mongo_collections/);
    expect(cosmos.match(/resource "azurerm_cosmosdb_mongo_collection"/g)).toHaveLength(1);
  });

  it('gives every collection of each app its _id index, and each index once', () => {
    for (const collections of Object.values(committed.apps)) {
      for (const [name, collection] of Object.entries(collections)) {
        const keys = collection.indexes.map((i) => i.keys.join(','));
        expect({ name, duplicates: keys.length - new Set(keys).size }).toEqual({
          name,
          duplicates: 0,
        });
        expect(keys).toContain('_id');
        expect(collection.shardKey).toBe('_shardKey');
      }
    }
  });

  it('expresses TTL as the _ts index Cosmos DB for MongoDB (RU) honours', () => {
    // Each app's Idempotency-Key store: the generic one in patient-tests, the append's own in audit.
    for (const [app, keys] of [
      ['patient-tests', 'idempotency_keys'],
      ['audit', 'audit_append_keys'],
    ]) {
      const ttl = committed.apps[app][keys].indexes.filter(
        (i) => i.expireAfterSeconds !== undefined,
      );
      expect(ttl).toEqual([
        {
          keys: ['_ts'],
          unique: false,
          expireAfterSeconds: 24 * 60 * 60,
          ttlOf: 'expiresAt',
        },
      ]);
    }
  });

  it('puts the audit register only in the audit database, and the generic key store only in patient-tests', () => {
    expect(Object.keys(committed.apps.audit)).toContain('audits');
    expect(Object.keys(committed.apps.audit)).not.toContain('idempotency_keys');
    expect(Object.keys(committed.apps['patient-tests'])).not.toContain('audits');
    expect(Object.keys(committed.apps['patient-tests'])).toEqual(
      expect.arrayContaining(['patients', 'tests']),
    );
  });
});
