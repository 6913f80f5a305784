import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunningApp, startStack } from './support/stack';

/**
 * terraform/collections.json is generated from the schema files (scripts/collections.mjs), and which
 * shared schemas belong to which app is declared there by hand. Terraform creates exactly these
 * collections on Cosmos DB, where the apps may not create any: an app that registers a model the file
 * does not list for it would fail in Azure on its first write. So the running apps are the reference.
 */
const committed = JSON.parse(
  readFileSync(
    join(__dirname, '..', '..', 'terraform', 'collections.json'),
    'utf8',
  ),
) as { apps: Record<string, Record<string, unknown>> };

const registeredCollections = (running: RunningApp) =>
  Object.values(running.database.models)
    .map((model) => model.collection.collectionName)
    .sort();

describe('the collections each app registers', () => {
  let stack: Awaited<ReturnType<typeof startStack>>;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('are exactly those terraform/collections.json lists for it', () => {
    expect(registeredCollections(stack.patientTests)).toEqual(
      Object.keys(committed.apps['patient-tests']).sort(),
    );
    expect(registeredCollections(stack.audit)).toEqual(
      Object.keys(committed.apps.audit).sort(),
    );
  });

  it('give the generic Idempotency-Key store to patient-tests only (audit keeps its keys with its appends)', () => {
    expect(registeredCollections(stack.patientTests)).toContain(
      'idempotency_keys',
    );
    expect(registeredCollections(stack.audit)).not.toContain(
      'idempotency_keys',
    );
    expect(registeredCollections(stack.audit)).toContain('audit_append_keys');
  });
});
