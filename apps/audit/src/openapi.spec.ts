import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The parts of an OpenAPI 3 document these tests read. */
interface Operation {
  parameters?: { in: string; name: string }[];
  responses: Record<
    string,
    {
      headers?: Record<string, { required?: boolean }>;
      content?: Record<string, { schema?: unknown }>;
    }
  >;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<
      string,
      { properties: Record<string, { pattern?: string }> }
    >;
  };
}

/** The committed document states every status and header the audit routes use (see scripts/fuzz.sh). */
const document = JSON.parse(
  readFileSync(join(__dirname, '..', 'openapi.json'), 'utf8'),
) as Document;

const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({
    name: `${method.toUpperCase()} ${path}`,
    op,
  })),
);
const auditRecord = document.paths['/api/auditrecord'];

describe('the audit OpenAPI document', () => {
  it.each(operations)(
    '$name documents x-correlation-id on every response and 503 with Retry-After',
    ({ op }) => {
      for (const response of Object.values(op.responses)) {
        expect(Object.keys(response.headers ?? {})).toContain(
          'x-correlation-id',
        );
      }
      expect(op.responses[503]?.headers?.['Retry-After']).toMatchObject({
        required: true,
      });
    },
  );

  it('POST /api/auditrecord documents Idempotency-Key with its 409 and 422', () => {
    const create = auditRecord.post;
    expect(
      (create.parameters ?? []).map(
        (parameter) => `${parameter.in} ${parameter.name}`,
      ),
    ).toEqual(['header Idempotency-Key']);
    expect(Object.keys(create.responses)).toEqual(
      expect.arrayContaining(['201', '409', '422']),
    );
  });

  it('describes the JSON API only: the FHIR routes are described by their CapabilityStatement', () => {
    expect(Object.keys(document.paths)).toContain('/api/auditrecord');
    expect(
      Object.keys(document.paths).filter((path) =>
        path.startsWith('/api/fhir'),
      ),
    ).toEqual([]);
  });

  it('GET /api/auditrecord documents x-continuation-token', () => {
    expect(Object.keys(auditRecord.get.responses[200].headers ?? {})).toContain(
      'x-continuation-token',
    );
  });
});
