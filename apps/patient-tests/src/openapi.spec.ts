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

/**
 * The committed document (the e2e tier checks it is what the app serves) states everything a client,
 * API Management and the fuzzer (scripts/fuzz.sh) rely on: every status, request header and response
 * header the routes really use.
 */
const document = JSON.parse(
  readFileSync(join(__dirname, '..', 'openapi.json'), 'utf8'),
) as Document;

const operation = (method: string, path: string) =>
  document.paths[path][method];
const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({
    name: `${method.toUpperCase()} ${path}`,
    op,
  })),
);
const headersOf = (op: Operation, status: number) =>
  Object.keys(op.responses[status]?.headers ?? {});
const headerParameters = (op: Operation) =>
  (op.parameters ?? [])
    .filter((parameter) => parameter.in === 'header')
    .map((parameter) => parameter.name);

describe('the patient-tests OpenAPI document', () => {
  it.each(operations)(
    '$name documents x-correlation-id on every response',
    ({ op }) => {
      for (const response of Object.values(op.responses)) {
        expect(Object.keys(response.headers ?? {})).toContain(
          'x-correlation-id',
        );
      }
    },
  );

  it.each(operations)(
    '$name documents 503 with a required Retry-After',
    ({ op }) => {
      expect(op.responses[503]?.headers?.['Retry-After']).toMatchObject({
        required: true,
      });
    },
  );

  it.each([
    ['post', '/api/patient'],
    ['post', '/api/patient/{patientId}/tests'],
  ])(
    '%s %s documents Idempotency-Key, its 409 and 422, and Location',
    (method, path) => {
      const op = operation(method, path);
      expect(headerParameters(op)).toEqual(['Idempotency-Key']);
      expect(Object.keys(op.responses)).toEqual(
        expect.arrayContaining(['201', '400', '401', '409', '422', '503']),
      );
      expect(headersOf(op, 201)).toEqual(
        expect.arrayContaining(['Location', 'Idempotent-Replayed']),
      );
    },
  );

  it.each([
    ['post', '/api/patient'],
    ['get', '/api/patient/{patientId}'],
    ['put', '/api/patient/{patientId}'],
  ])('%s %s documents the ETag of the patient', (method, path) => {
    const op = operation(method, path);
    const success = method === 'post' ? 201 : 200;
    expect(headersOf(op, success)).toContain('ETag');
  });

  it('PUT /api/patient/{patientId} documents one optional If-Match and its 412', () => {
    const op = operation('put', '/api/patient/{patientId}');
    expect(headerParameters(op)).toEqual(['If-Match']);
    expect(Object.keys(op.responses)).toContain('412');
  });

  it.each([
    ['post', '/api/patient/search'],
    ['get', '/api/patient/{patientId}/tests'],
  ])('%s %s documents x-continuation-token', (method, path) => {
    expect(headersOf(operation(method, path), 200)).toContain(
      'x-continuation-token',
    );
  });

  it('documents the health body and no 401 on the public health route', () => {
    const op = operation('get', '/api/health');
    expect(Object.keys(op.responses)).toEqual(['200', '503']);
    expect(op.responses[200].content?.['application/json']?.schema).toEqual(
      expect.objectContaining({ required: ['status'] }),
    );
  });

  it('documents the shape of a date of birth as a pattern', () => {
    const { schemas } = document.components;
    expect(
      schemas.CreatePatientDto.properties.dateOfBirth.pattern,
    ).toBeDefined();
    expect(
      schemas.SearchCriteriaDto.properties.dateOfBirthFrom.pattern,
    ).toBeDefined();
  });
});
