import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../scripts/lib/processes.cjs';
import { startStack } from './support/stack';

type Stack = Awaited<ReturnType<typeof startStack>>;

describe('the committed OpenAPI documents', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(() => stack.close());

  it.each(['patient-tests', 'audit'] as const)(
    'apps/%s/openapi.json is what the running app serves (run `make openapi` when this fails)',
    async (name) => {
      const app = name === 'audit' ? stack.audit : stack.patientTests;
      const served = await app.client
        .withoutHeader('x-functions-key')
        .get('/openapi.json');
      expect(served.status).toBe(200);
      const committed = JSON.parse(
        readFileSync(join(ROOT, 'apps', name, 'openapi.json'), 'utf8'),
      );
      expect(served.body).toEqual(committed);
    },
  );

  it('serves Swagger UI without a key', async () => {
    const response = await stack.patientTests.client
      .withoutHeader('x-functions-key')
      .get('/docs');
    expect(response.status).toBe(200);
    expect(String(response.body)).toContain('swagger');
  });
});
