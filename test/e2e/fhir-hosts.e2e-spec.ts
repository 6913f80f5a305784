import { randomUUID } from 'node:crypto';
import { expectValidFhir } from './support/fhir-validation';
import { HOST_KINDS, HostKind, startStackOn } from './support/hosts';

type Stack = Awaited<ReturnType<typeof startStackOn>>;

// The FHIR wire format (fhir+json bodies in, OperationOutcome errors out) is set up on the Fastify
// instance, so it must hold on both hosts: a listening socket and the Azure Functions handler.
describe.each(HOST_KINDS)(
  'the FHIR interface on the %s host',
  (kind: HostKind) => {
    let stack: Stack;

    beforeAll(async () => {
      stack = await startStackOn(kind);
    });

    afterAll(() => stack.close());

    const api = () => stack.patientTests.client;

    it('creates and reads a Patient as application/fhir+json', async () => {
      const created = await api().post(
        '/fhir/Patient',
        {
          resourceType: 'Patient',
          identifier: [
            {
              system: 'urn:patient-tests:insurance-number',
              value: `INS-${randomUUID()}`,
            },
          ],
          name: [{ family: 'Hopper', given: ['Grace'] }],
          gender: 'female',
          birthDate: '1906-12-09',
          address: [{ postalCode: '3000' }],
        },
        { headers: { 'content-type': 'application/fhir+json' } },
      );
      expect(created.status).toBe(201);
      expect(created.headers.get('content-type')).toMatch(
        /^application\/fhir\+json/,
      );
      expectValidFhir(created.body);

      const read = await api().get(`/fhir/Patient/${created.body.id}`);
      expect([read.status, read.headers.get('etag')]).toEqual([200, 'W/"1"']);
      expect(read.body).toEqual(created.body);
    });

    it('answers malformed JSON and unknown paths with an OperationOutcome', async () => {
      const malformed = await api().post('/fhir/Patient', undefined, {
        rawBody: '{"resourceType":',
        headers: { 'content-type': 'application/fhir+json' },
      });
      const unknown = await api().get('/fhir/Nothing/here');
      for (const [response, status] of [
        [malformed, 400],
        [unknown, 404],
      ] as const) {
        expect(response.status).toBe(status);
        expect(response.headers.get('content-type')).toMatch(
          /^application\/fhir\+json/,
        );
        expect(response.body.resourceType).toBe('OperationOutcome');
        expectValidFhir(response.body);
      }
    });

    it('refuses a forwarded host that is not a host name, instead of writing it into the links', async () => {
      const search = await api().get('/fhir/Patient?_count=1', {
        headers: { 'x-forwarded-host': 'evil.example/phish?x=' },
      });
      expect(search.status).toBe(400);
      expect(search.headers.get('content-type')).toMatch(
        /^application\/fhir\+json/,
      );
      expect(JSON.stringify(search.body)).toContain('INVALID_HOST');
      expect(JSON.stringify(search.body)).not.toContain('evil.example');
      expectValidFhir(search.body);
    });
  },
);
