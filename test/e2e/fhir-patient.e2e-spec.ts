import { randomUUID } from 'node:crypto';
import { HttpResult, knownTrace } from '../support/http';
import { samplePatient } from '../support/samples';
import { expectValidFhir } from './support/fhir-validation';
import { startStack } from './support/stack';

type Stack = Awaited<ReturnType<typeof startStack>>;

const FHIR_JSON = { 'content-type': 'application/fhir+json' };
const INSURANCE = 'urn:patient-tests:insurance-number';

/** A FHIR Patient as an integrator would send it. */
const fhirPatient = (overrides: Record<string, unknown> = {}) => ({
  resourceType: 'Patient',
  identifier: [{ system: INSURANCE, value: `INS-${randomUUID()}` }],
  name: [{ use: 'official', family: 'Hopper', given: ['Grace'] }],
  gender: 'female',
  birthDate: '1906-12-09',
  address: [{ postalCode: '3000' }],
  ...overrides,
});

interface Bundle {
  resourceType: 'Bundle';
  type: string;
  total?: number;
  link: { relation: string; url: string }[];
  entry?: {
    fullUrl: string;
    resource: { id: string; resourceType: string };
    search?: { mode: string };
  }[];
}

describe('FHIR Patient over the JSON API patients, on a real database, audited', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(() => stack.close());

  const api = () => stack.patientTests.client;
  const fhir = {
    get: (path: string, headers: Record<string, string> = {}) =>
      api().get(`/fhir${path}`, { headers }),
    post: (path: string, body: unknown, headers: Record<string, string> = {}) =>
      api().post(`/fhir${path}`, body, {
        headers: { ...FHIR_JSON, ...headers },
      }),
    put: (path: string, body: unknown, headers: Record<string, string> = {}) =>
      api().put(`/fhir${path}`, body, {
        headers: { ...FHIR_JSON, ...headers },
      }),
  };

  /** A successful FHIR answer: the status, FHIR JSON, and a body valid FHIR R4. */
  function expectFhir(response: HttpResult, status: number) {
    expect({ status: response.status, body: response.body as unknown }).toEqual(
      { status, body: expect.anything() },
    );
    expect(response.headers.get('content-type')).toMatch(
      /^application\/fhir\+json/,
    );
    expectValidFhir(response.body);
    for (const entry of (response.body as Partial<Bundle>).entry ?? []) {
      expectValidFhir(entry.resource);
    }
  }

  /** A client error: 4xx, an OperationOutcome valid FHIR R4, with our error code. */
  function expectOutcome(response: HttpResult, status: number, code?: string) {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(
      /^application\/fhir\+json/,
    );
    expect(response.body).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [expect.objectContaining({ severity: 'error' })],
    });
    if (code) {
      expect(response.body.issue[0].details.coding[0].code).toBe(code);
    }
    expectValidFhir(response.body);
  }

  /** Every page of a search, following `next` links as a client would. */
  async function allPages(firstPath: string): Promise<Bundle[]> {
    const pages: Bundle[] = [];
    let response = await fhir.get(firstPath);
    for (;;) {
      expectFhir(response, 200);
      const bundle = response.body as Bundle;
      pages.push(bundle);
      const next = bundle.link.find((link) => link.relation === 'next');
      if (!next) {
        return pages;
      }
      const url = new URL(next.url);
      expect(url.pathname.startsWith('/api/fhir/Patient')).toBe(true);
      response = await fhir.get(
        `${url.pathname.slice('/api/fhir'.length)}${url.search}`,
      );
    }
  }

  const idsIn = (bundle: Bundle) =>
    (bundle.entry ?? []).map((entry) => entry.resource.id);

  describe('read, create and update', () => {
    it('creates a Patient (201, Location, W/ ETag) that the JSON API reads back as the same patient and version', async () => {
      const resource = fhirPatient();
      const created = await fhir.post('/Patient', resource);

      expectFhir(created, 201);
      const { id } = created.body;
      expect(created.body).toMatchObject({
        ...resource,
        id,
        meta: { versionId: '1', lastUpdated: expect.any(String) },
      });
      expect(created.headers.get('etag')).toBe('W/"1"');
      // Absolute, on the FHIR base (PUBLIC_API_URL + /fhir when set, else the request's scheme and host).
      expect(created.headers.get('location')).toBe(
        `${stack.patientTests.url}/fhir/Patient/${id}/_history/1`,
      );

      const json = await api().get(`/patient/${id}`);
      expect(json.status).toBe(200);
      expect(json.headers.get('etag')).toBe('"1"');
      expect(json.body).toEqual({
        id,
        firstName: 'Grace',
        lastName: 'Hopper',
        gender: 'female',
        dateOfBirth: '1906-12-09',
        postCode: '3000',
        insuranceNumber: resource.identifier[0].value,
        lastUpdated: created.body.meta.lastUpdated,
      });
    });

    it('reads through FHIR a patient created through the JSON API, every field mapped', async () => {
      const body = samplePatient();
      const { body: created } = await api().post('/patient', body);

      const read = await fhir.get(`/Patient/${created.id}`);

      expectFhir(read, 200);
      expect(read.headers.get('etag')).toBe('W/"1"');
      expect(read.body).toEqual({
        resourceType: 'Patient',
        id: created.id,
        meta: { versionId: '1', lastUpdated: created.lastUpdated },
        identifier: [{ system: INSURANCE, value: body.insuranceNumber }],
        name: [
          {
            use: 'official',
            text: body.fullName,
            family: body.lastName,
            given: [body.firstName],
          },
        ],
        telecom: [
          { system: 'phone', value: body.preferredContactNumber, rank: 1 },
        ],
        gender: body.gender,
        birthDate: body.dateOfBirth,
        address: [{ postalCode: body.postCode }],
      });
      expect(
        (await fhir.get(`/Patient/${created.id}/_history/1`)).body,
      ).toEqual(read.body);
    });

    it('updates with If-Match W/"<versionId>": one version up in both APIs, and 412 for the stale version', async () => {
      const { body: created } = await fhir.post('/Patient', fhirPatient());
      const changed = { ...created, address: [{ postalCode: '4000' }] };

      const updated = await fhir.put(`/Patient/${created.id}`, changed, {
        'if-match': 'W/"1"',
      });
      expectFhir(updated, 200);
      expect(updated.body.meta.versionId).toBe('2');
      expect(updated.headers.get('etag')).toBe('W/"2"');
      const json = await api().get(`/patient/${created.id}`);
      expect([json.headers.get('etag'), json.body.postCode]).toEqual([
        '"2"',
        '4000',
      ]);

      const stale = await fhir.put(`/Patient/${created.id}`, changed, {
        'if-match': 'W/"1"',
      });
      expectOutcome(stale, 412, 'PRECONDITION_FAILED');
      expect((await fhir.get(`/Patient/${created.id}/_history/1`)).status).toBe(
        404,
      );
    });

    it('sees an update made through the JSON API as a new FHIR version', async () => {
      const { body: created } = await fhir.post('/Patient', fhirPatient());
      const { body: json } = await api().get(`/patient/${created.id}`);
      expect(
        (
          await api().put(`/patient/${created.id}`, {
            ...json,
            firstName: 'Amazing',
          })
        ).status,
      ).toBe(200);

      const read = await fhir.get(`/Patient/${created.id}`);
      expect(read.body.meta.versionId).toBe('2');
      expect(read.body.name[0].given).toEqual(['Amazing']);
    });
  });

  describe('conditional create (If-None-Exist on identifier)', () => {
    it('creates once, then answers 200 with the same patient', async () => {
      const resource = fhirPatient();
      const condition = {
        'if-none-exist': `identifier=${INSURANCE}|${resource.identifier[0].value}`,
      };

      const first = await fhir.post('/Patient', resource, condition);
      const second = await fhir.post('/Patient', resource, condition);

      expectFhir(first, 201);
      expectFhir(second, 200);
      expect(second.body.id).toBe(first.body.id);
    });

    it('finds a patient created through the JSON API with that insurance number', async () => {
      const { body: created } = await api().post('/patient', samplePatient());
      const response = await fhir.post(
        '/Patient',
        fhirPatient({
          identifier: [{ system: INSURANCE, value: created.insuranceNumber }],
        }),
        { 'if-none-exist': `identifier=${created.insuranceNumber}` },
      );
      expectFhir(response, 200);
      expect(response.body.id).toBe(created.id);
    });

    it('leaves exactly one Patient after 50 concurrent conditional creates with the same identifier', async () => {
      const resource = fhirPatient();
      const number = resource.identifier[0].value;
      const condition = {
        'if-none-exist': `identifier=${INSURANCE}|${number}`,
      };

      const responses = await Promise.all(
        Array.from({ length: 50 }, () =>
          fhir.post('/Patient', resource, condition),
        ),
      );

      expect(responses.map((response) => response.status).sort()).toEqual([
        ...Array<number>(49).fill(200),
        201,
      ]);
      expect(new Set(responses.map((response) => response.body.id)).size).toBe(
        1,
      );
      const search = await fhir.get(
        `/Patient?identifier=${encodeURIComponent(`${INSURANCE}|${number}`)}`,
      );
      expect(search.body.total).toBe(1);
      expect(
        await api().post('/patient/search', { insuranceNumber: number }),
      ).toMatchObject({
        body: [{ id: responses[0].body.id }],
      });
    });

    it("refuses an If-None-Exist on anything but the resource's own identifier", async () => {
      const resource = fhirPatient();
      expectOutcome(
        await fhir.post('/Patient', resource, {
          'if-none-exist': 'family=Hopper',
        }),
        400,
        'INVALID_CONDITIONAL_CREATE',
      );
      expectOutcome(
        await fhir.post('/Patient', resource, {
          'if-none-exist': 'identifier=other',
        }),
        400,
        'INVALID_CONDITIONAL_CREATE',
      );
    });
  });

  describe('search', () => {
    const family = `Search${randomUUID().replace(/-/g, '')}`;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      const people = {
        ada: {
          given: ['Ada'],
          birthDate: '1815-12-10',
          gender: 'female',
          postalCode: '2000',
        },
        alan: {
          given: ['Alan'],
          birthDate: '1912-06-23',
          gender: 'male',
          postalCode: '2001',
        },
        ali: {
          given: ['Ali'],
          birthDate: '1912',
          gender: 'other',
          postalCode: '3001',
        },
      };
      for (const [key, person] of Object.entries(people)) {
        const { body } = await fhir.post(
          '/Patient',
          fhirPatient({
            name: [{ family, given: person.given }],
            birthDate: person.birthDate,
            gender: person.gender,
            address: [{ postalCode: person.postalCode }],
          }),
        );
        ids[key] = body.id;
      }
    });

    const found = async (query: string) => {
      const response = await fhir.get(
        `/Patient?family:exact=${family}&${query}`,
      );
      expectFhir(response, 200);
      const bundle = response.body as Bundle;
      expect(bundle.total).toBe(bundle.entry?.length ?? 0);
      return idsIn(bundle).sort();
    };
    const idsOf = (...keys: string[]) => keys.map((key) => ids[key]).sort();

    it.each([
      ['given=al (a case-insensitive prefix)', 'given=al', ['alan', 'ali']],
      ['given:exact=Ali', 'given:exact=Ali', ['ali']],
      ['gender=male', 'gender=male', ['alan']],
      ['birthdate=1912-06-23', 'birthdate=1912-06-23', ['alan']],
      [
        'birthdate=eq1912 (the whole year, partial dates included)',
        'birthdate=eq1912',
        ['alan', 'ali'],
      ],
      ['birthdate=ge1900-01-01', 'birthdate=ge1900-01-01', ['alan', 'ali']],
      ['birthdate=le1900', 'birthdate=le1900', ['ada']],
      [
        'birthdate=ge1800&birthdate=le1913',
        'birthdate=ge1800&birthdate=le1913',
        ['ada', 'alan', 'ali'],
      ],
      ['address-postalcode=200', 'address-postalcode=200', ['ada', 'alan']],
      ['gender=unknown-code (matches nothing)', 'gender=girl', []],
    ])('by %s', async (_title, query, expected) => {
      expect(await found(query)).toEqual(idsOf(...expected));
    });

    it('by _id and by identifier with and without its system', async () => {
      const { body: patient } = await fhir.get(`/Patient/${ids.ada}`);
      const number = patient.identifier[0].value as string;
      expect(await found(`_id=${ids.ada}`)).toEqual([ids.ada]);
      expect(
        await found(
          `identifier=${encodeURIComponent(`${INSURANCE}|${number}`)}`,
        ),
      ).toEqual([ids.ada]);
      expect(await found(`identifier=${number}`)).toEqual([ids.ada]);
      expect(
        await found(`identifier=${encodeURIComponent(`urn:other|${number}`)}`),
      ).toEqual([]);
    });

    it('ignores an unknown parameter by default (lenient), leaving it out of the self link, and refuses it with Prefer: handling=strict', async () => {
      const lenient = await fhir.get(
        `/Patient?family:exact=${family}&colour=blue`,
      );
      expectFhir(lenient, 200);
      expect(lenient.body.total).toBe(3);
      expect(lenient.body.link[0].url).not.toContain('colour');

      const strict = await fhir.get(
        `/Patient?family:exact=${family}&colour=blue`,
        {
          prefer: 'handling=strict',
        },
      );
      expectOutcome(strict, 400, 'INVALID_SEARCH');
    });

    it.each([
      ['by default', {}],
      ['with Prefer: handling=lenient', { prefer: 'handling=lenient' }],
    ])(
      'ignores every _include and _revinclude %s (Patient supports none), leaving them out of the self and next links',
      async (_title, headers) => {
        const response = await fhir.get(
          `/Patient?family:exact=${family}&_include=*&_revinclude=DiagnosticReport:subject&_include=Patient:organization&_count=2`,
          headers,
        );
        expectFhir(response, 200);
        const bundle = response.body as Bundle;
        expect(bundle.total).toBe(3);
        expect(
          (bundle.entry ?? []).map((entry) => [
            entry.resource.resourceType,
            entry.search?.mode,
          ]),
        ).toEqual([
          ['Patient', 'match'],
          ['Patient', 'match'],
        ]);
        const parametersOf = (relation: string) => {
          const link = bundle.link.find((each) => each.relation === relation);
          expect(link).toBeDefined();
          return [...new URL(link!.url).searchParams.keys()];
        };
        expect(parametersOf('self')).toEqual(['family:exact', '_count']);
        expect(parametersOf('next')).toEqual([
          'family:exact',
          '_count',
          '_continuationToken',
        ]);
      },
    );

    it.each([
      ['_include=*', '_include=*'],
      ['_include=Patient:organization', '_include=Patient:organization'],
      [
        '_revinclude=DiagnosticReport:subject',
        '_revinclude=DiagnosticReport:subject',
      ],
      // An unsupported _include is named first, wherever it stands in the query.
      ['_revinclude=Observation:patient&_include=*', '_include=*'],
    ])(
      'refuses %s with Prefer: handling=strict: a 400 OperationOutcome naming it',
      async (query, named) => {
        const response = await fhir.get(
          `/Patient?family:exact=${family}&${query}`,
          { prefer: 'handling=strict' },
        );
        expectOutcome(response, 400, 'INVALID_SEARCH');
        expect(response.body.issue[0].details.text).toBe(
          `The inclusion ${named} is not supported on this search.`,
        );
      },
    );

    it('pages through 450 patients with _count=100, each exactly once, through the next links', async () => {
      const postalCode = String(1000 + Math.floor(Math.random() * 9000));
      const many = `Paged${randomUUID().replace(/-/g, '')}`;
      const now = new Date();
      const created = Array.from({ length: 450 }, () => randomUUID());
      // Stored as the repository stores them, at once: the subject here is paging, not 450 creates.
      await stack.patientTests.database.collection('patients').insertMany(
        created.map((id) => ({
          _id: id,
          _shardKey: id,
          firstName: 'Page',
          lastName: many,
          gender: 'unknown',
          dateOfBirth: '2000',
          postCode: postalCode,
          lastUpdated: now,
          _version: 1,
        })) as never[],
      );

      const pages = await allPages(`/Patient?family:exact=${many}&_count=100`);

      expect(pages.map((page) => page.entry?.length)).toEqual([
        100, 100, 100, 100, 50,
      ]);
      expect(pages[0].total).toBe(450);
      const seen = pages.flatMap(idsIn);
      expect(seen.sort()).toEqual([...created].sort());
    });
  });

  describe('errors are OperationOutcomes with a 4xx status', () => {
    it.each([
      [
        'an unknown element',
        fhirPatient({ active: true }),
        'VALIDATION_FAILED',
      ],
      [
        'another resource type',
        fhirPatient({ resourceType: 'Practitioner' }),
        'VALIDATION_FAILED',
      ],
      [
        'two given names',
        fhirPatient({ name: [{ family: 'X', given: ['A', 'B'] }] }),
        'VALIDATION_FAILED',
      ],
      [
        'a future birthDate',
        fhirPatient({ birthDate: '2999-01-01' }),
        'VALIDATION_FAILED',
      ],
      [
        'a gender outside the value set',
        fhirPatient({ gender: 'girl' }),
        'VALIDATION_FAILED',
      ],
      ['no body at all', undefined, undefined],
    ])('400 for a Patient with %s', async (_what, body, code) => {
      expectOutcome(await fhir.post('/Patient', body), 400, code);
    });

    it('400 for malformed JSON, as application/fhir+json and as application/json', async () => {
      for (const contentType of ['application/fhir+json', 'application/json']) {
        const response = await api().post('/fhir/Patient', undefined, {
          rawBody: '{"resourceType": "Patient",',
          headers: { 'content-type': contentType },
        });
        expectOutcome(response, 400);
      }
    });

    it('404 for an unknown or malformed id, and for an unknown resource type', async () => {
      expectOutcome(
        await fhir.get(`/Patient/${randomUUID()}`),
        404,
        'PATIENT_NOT_FOUND',
      );
      expectOutcome(
        await fhir.get('/Patient/not-an-id'),
        404,
        'PATIENT_NOT_FOUND',
      );
      expectOutcome(await fhir.get('/Medication/1'), 404);
    });

    it('401 without a key, 415 for another media type, 400 for bad search values', async () => {
      expectOutcome(
        await api().withoutHeader('x-functions-key').get('/fhir/Patient'),
        401,
      );
      expectOutcome(
        await api().post('/fhir/Patient', undefined, {
          rawBody: '<Patient/>',
          headers: { 'content-type': 'application/fhir+xml' },
        }),
        415,
      );
      expectOutcome(
        await fhir.get('/Patient?_count=abc'),
        400,
        'INVALID_SEARCH',
      );
      expectOutcome(
        await fhir.get('/Patient?birthdate=gt1990'),
        400,
        'INVALID_SEARCH',
      );
      expectOutcome(
        await fhir.get('/Patient?_format=xml'),
        400,
        'UNSUPPORTED_FORMAT',
      );
      expectOutcome(
        await fhir.get('/Patient?_continuationToken=bogus'),
        400,
        'INVALID_CONTINUATION_TOKEN',
      );
    });

    it('400 for an update whose body id differs from the path', async () => {
      const { body: created } = await fhir.post('/Patient', fhirPatient());
      expectOutcome(
        await fhir.put(`/Patient/${created.id}`, {
          ...created,
          id: randomUUID(),
        }),
        400,
        'PATIENT_ID_MISMATCH',
      );
    });
  });

  describe('audit', () => {
    interface StoredRecord {
      resource: { type: string; id?: string; operation: string };
      patientIds: string[];
      outcome: number | 'attempted';
    }

    const recordsOf = async (patientId: string) =>
      (
        await stack.audit.client.get(
          `/auditrecord?patientId=${patientId}&limit=50`,
        )
      ).body as StoredRecord[];

    it('records FHIR reads, searches and writes like the JSON API, naming the patients disclosed', async () => {
      const resource = fhirPatient({
        name: [
          { family: `Audit${randomUUID().replace(/-/g, '')}`, given: ['A'] },
        ],
      });
      const condition = {
        'if-none-exist': `identifier=${resource.identifier[0].value}`,
      };
      const { body: created } = await fhir.post(
        '/Patient',
        resource,
        condition,
      );
      await fhir.post('/Patient', resource, condition);
      await fhir.get(`/Patient/${created.id}`);
      await fhir.get(`/Patient?family=${resource.name[0].family}`);

      const records = await recordsOf(created.id);
      expect(
        records.map((record) => [record.resource.operation, record.outcome]),
      ).toEqual([
        ['search', 200],
        ['read', 200],
        ['create', 200],
        ['create', 201],
        ['create', 'attempted'],
      ]);
      expect(
        records.every((record) => record.resource.type === 'patient'),
      ).toBe(true);
    });

    it('lists the JSON and the FHIR accesses to a patient among its AuditEvents (entity=Patient/<id>)', async () => {
      const { body: created } = await api().post('/patient', samplePatient());
      const json = knownTrace();
      const viaFhir = knownTrace();
      await api().get(`/patient/${created.id}`, {
        headers: { traceparent: json.traceparent },
      });
      await fhir.get(`/Patient/${created.id}`, {
        traceparent: viaFhir.traceparent,
      });

      const response = await stack.audit.client.get(
        `/fhir/AuditEvent?entity=Patient/${created.id}`,
      );
      expect(response.status).toBe(200);
      expectValidFhir(response.body);
      const events = (
        response.body as {
          entry: {
            resource: {
              entity: { what: { identifier?: { value: string } } }[];
            };
          }[];
        }
      ).entry.map((entry) => entry.resource);
      events.forEach(expectValidFhir);
      const traces = events.flatMap((event) =>
        event.entity.map((entity) => entity.what.identifier?.value),
      );
      expect(traces).toEqual(
        expect.arrayContaining([json.traceId, viaFhir.traceId]),
      );
    });
  });
});
