import { MedplumClient } from '@medplum/core';
import { samplePatient, sampleTest } from '../support/samples';
import { HttpResult } from '../support/http';
import { expectValidFhir } from './support/fhir-validation';
import { AUDIT_KEY, AUDIT_READER_KEY, startStack } from './support/stack';

type Stack = Awaited<ReturnType<typeof startStack>>;

/** The parts of FHIR resources these tests read. */
interface Resource {
  resourceType: string;
  id?: string;
  [member: string]: any;
}
interface Bundle extends Resource {
  type: string;
  link?: { relation: string; url: string }[];
  entry?: { fullUrl?: string; resource: Resource; search?: { mode: string } }[];
}

const CHAIN_POSITION =
  'urn:patient-tests-platform:fhir:extension:audit-chain-position';

/** Every response of the FHIR interface is FHIR JSON, and every resource in it valid FHIR R4. */
function expectFhir<T extends Resource>(
  response: HttpResult<T>,
  status: number,
): T {
  expect({
    status: response.status,
    type: response.headers.get('content-type'),
  }).toEqual({
    status,
    type: 'application/fhir+json; charset=utf-8',
  });
  expectValidFhir(response.body);
  return response.body;
}

const matches = (bundle: Bundle) =>
  (bundle.entry ?? [])
    .filter((entry) => entry.search?.mode === 'match')
    .map((entry) => entry.resource);

const nextLink = (bundle: Bundle) =>
  bundle.link?.find((link) => link.relation === 'next')?.url;

const chainPosition = (event: Resource) => {
  const extension = (event.extension as any[]).find(
    (candidate) => candidate.url === CHAIN_POSITION,
  );
  const member = (url: string) =>
    extension.extension.find((part: any) => part.url === url);
  return {
    sequence: member('sequence').valueInteger as number,
    previousHash: member('previousHash').valueString as string,
    hash: member('hash').valueString as string,
  };
};

describe('the audit register as FHIR AuditEvents (GET /api/fhir/AuditEvent)', () => {
  let stack: Stack;
  /** A patient whose every access went through the real patient-tests app, and a bystander. */
  let patientId: string;
  let otherId: string;
  let testId: string;

  /** Follows `next` links as a client would (absolute URLs, the key in a header) and validates each page. */
  async function searchAll(
    query: string,
  ): Promise<{ pages: Bundle[]; events: Resource[] }> {
    const pages: Bundle[] = [];
    let url: string | undefined = `${stack.audit.url}/fhir/AuditEvent?${query}`;
    while (url !== undefined) {
      const response = await fetch(url, {
        headers: { 'x-functions-key': AUDIT_READER_KEY },
      });
      const page = expectFhir<Bundle>(
        {
          status: response.status,
          headers: response.headers,
          body: (await response.json()) as Bundle,
        },
        200,
      );
      expect(page).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
      pages.push(page);
      url = nextLink(page);
      expect(pages.length).toBeLessThan(100);
    }
    return { pages, events: pages.flatMap(matches) };
  }

  /** The register's own answer, through the JSON API: every record naming the patient, newest first. */
  async function jsonRecords(patient: string): Promise<any[]> {
    const records: any[] = [];
    let token: string | null = null;
    do {
      const query: string = `/auditrecord?patientId=${patient}&limit=200${token ? `&continuationToken=${token}` : ''}`;
      const response = await stack.audit.client.get<any[]>(query);
      expect(response.status).toBe(200);
      records.push(...response.body);
      token = response.headers.get('x-continuation-token');
    } while (token);
    return records;
  }

  beforeAll(async () => {
    stack = await startStack();
    const api = stack.patientTests.client;
    const created = await api.post('/patient', samplePatient());
    expect(created.status).toBe(201);
    patientId = created.body.id;
    const other = await api.post(
      '/patient',
      samplePatient({ firstName: 'Grace' }),
    );
    expect(other.status).toBe(201);
    otherId = other.body.id;
    expect((await api.get(`/patient/${patientId}`)).status).toBe(200);
    const read = await api.get(`/patient/${patientId}`);
    expect(
      (
        await api.put(`/patient/${patientId}`, {
          ...read.body,
          postCode: '3000',
        })
      ).status,
    ).toBe(200);
    const test = await api.post(`/patient/${patientId}/tests`, sampleTest());
    expect(test.status).toBe(201);
    testId = test.body.id;
    expect((await api.get(`/patient/${patientId}/tests`)).status).toBe(200);
    expect(
      (await api.get(`/patient/${patientId}/tests/${testId}`)).status,
    ).toBe(200);
    expect((await api.get('/patient/no-such-patient')).status).toBe(404);
    expect(
      (await api.post('/patient/search', { postCode: '3000' })).status,
    ).toBe(200);
    expect((await api.get(`/patient/${otherId}`)).status).toBe(200);
  });

  afterAll(() => stack?.close());

  it('finds every record naming a patient by entity=Patient/<id> and by patient=<id>, newest first, as the JSON API lists them, and nothing else', async () => {
    const expected = await jsonRecords(patientId);
    // create (2), read, read, update (2), test create (2), list, test read, and the search that returned it
    expect(expected.length).toBeGreaterThanOrEqual(11);
    for (const query of [
      `entity=Patient/${patientId}`,
      `patient=${patientId}`,
      `patient=Patient/${patientId}`,
    ]) {
      const { events } = await searchAll(query);
      expect(events.map((event) => event.id)).toEqual(
        expected.map((record) => record.id),
      );
    }
    const others = (await searchAll(`patient=${otherId}`)).events;
    expect(others.map((event) => event.id)).toEqual(
      (await jsonRecords(otherId)).map((record) => record.id),
    );
    expect(others.map((event) => event.id)).not.toEqual(
      expect.arrayContaining([expected[0].id]),
    );
  });

  it('pages with _count through next links, each record exactly once and in order', async () => {
    const all = (
      await searchAll(`entity=Patient/${patientId}&_count=200`)
    ).events.map((event) => event.id);
    const { pages, events } = await searchAll(
      `entity=Patient/${patientId}&_count=3`,
    );
    expect(pages.length).toBe(Math.ceil(all.length / 3));
    expect(pages.every((page) => matches(page).length <= 3)).toBe(true);
    expect(events.map((event) => event.id)).toEqual(all);
    expect(new Set(events.map((event) => event.id)).size).toBe(all.length);
    // The key is never copied into a link, even when the client sent it in the query.
    const withKeyInQuery = await fetch(
      `${stack.audit.url}/fhir/AuditEvent?entity=Patient/${patientId}&_count=1&code=${AUDIT_READER_KEY}`,
    );
    expect(JSON.stringify(await withKeyInQuery.json())).not.toContain(
      AUDIT_READER_KEY,
    );
  });

  it("is driven by an integrator's FHIR client (Medplum's), whose page iteration follows the next links", async () => {
    const medplum = new MedplumClient({
      baseUrl: `${stack.audit.url}/`,
      fhirUrlPath: 'fhir',
      cacheTime: 0,
      fetch: (url: string, init?: RequestInit) =>
        fetch(url, {
          ...init,
          headers: {
            ...(init?.headers as Record<string, string>),
            'x-functions-key': AUDIT_READER_KEY,
          },
        }),
    });
    const expected = (await jsonRecords(patientId)).map((record) => record.id);
    const pages: string[][] = [];
    for await (const page of medplum.searchResourcePages('AuditEvent', {
      patient: patientId,
      _count: '4',
    })) {
      page.forEach((event) => expectValidFhir(event));
      pages.push(page.map((event) => event.id));
    }
    expect(pages.length).toBe(Math.ceil(expected.length / 4));
    expect(pages.flat()).toEqual(expected);
    const read = await medplum.readResource('AuditEvent', expected[0]);
    expectValidFhir(read);
    expect(read.id).toBe(expected[0]);
    const statement = await medplum.get(medplum.fhirUrl('metadata'));
    expectValidFhir(statement);
    expect(statement).toMatchObject({ resourceType: 'CapabilityStatement' });
  });

  it('maps each record after BALP: action and subtype from the operation, outcome from the status, the requestor and the server as agents, the patient and the resource as entities, and the chain position', async () => {
    const records = await jsonRecords(patientId);
    const { events } = await searchAll(`patient=${patientId}&_count=200`);
    const byId = new Map(events.map((event) => [event.id, event]));
    for (const record of records) {
      const event = byId.get(record.id)!;
      expect(event.recorded).toBe(record.createdDate);
      expect(event.type).toMatchObject({
        system: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
        code: 'rest',
      });
      expect(chainPosition(event)).toEqual({
        sequence: record.sequence,
        previousHash: record.previousHash,
        hash: record.hash,
      });
      expect(event.entity).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            what: { reference: `Patient/${patientId}` },
            role: expect.objectContaining({ code: '1' }),
          }),
          expect.objectContaining({
            what: {
              identifier: expect.objectContaining({
                value: record.correlationId,
              }),
            },
            type: expect.objectContaining({ code: 'XrequestId' }),
          }),
        ]),
      );
      // The client patient-tests acted for asked; patient-tests, the audit API's verified caller, served.
      expect(event.agent).toEqual([
        expect.objectContaining({
          requestor: true,
          who: expect.objectContaining({
            identifier: expect.objectContaining({
              value: record.onBehalfOf.actor,
            }),
          }),
          network: { address: record.onBehalfOf.clientAddress, type: '2' },
        }),
        expect.objectContaining({
          requestor: false,
          who: expect.objectContaining({
            identifier: expect.objectContaining({ value: record.actor }),
          }),
        }),
      ]);
      expect(event.source.observer.display).toBe('patient-tests');
      if (record.outcome === 'attempted') {
        expect(event).not.toHaveProperty('outcome');
        expect(event.outcomeDesc).toBe('attempted');
      } else {
        expect(event.outcome).toBe(record.outcome < 400 ? '0' : '4');
        expect(event.outcomeDesc).toBe(`HTTP ${record.outcome}`);
      }
    }
    const kinds = records.map((record) => {
      const event = byId.get(record.id)!;
      return `${record.resource.type} ${record.resource.operation} ${record.outcome} -> ${event.action} ${event.subtype[0].code} ${event.outcome ?? '-'}`;
    });
    expect(kinds).toEqual(
      expect.arrayContaining([
        'patient create attempted -> C create -',
        'patient create 201 -> C create 0',
        'patient read 200 -> R read 0',
        'patient update 200 -> U update 0',
        'test create 201 -> C create 0',
        'test list 200 -> E search-type 0',
        'test read 200 -> R read 0',
        'patient search 200 -> E search-type 0',
      ]),
    );
    // A test is a DiagnosticReport; an outcome names its attempt.
    const testRead = events.find(
      (event) =>
        event.subtype[0].code === 'read' &&
        event.entity.some(
          (e: any) => e.what?.reference === `DiagnosticReport/${testId}`,
        ),
    );
    expect(testRead).toBeDefined();
    const outcome = records.find((record) => record.attemptId !== undefined)!;
    expect(byId.get(outcome.id)!.entity).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          what: { reference: `AuditEvent/${outcome.attemptId}` },
        }),
      ]),
    );
  });

  it('finds by entity a test as DiagnosticReport/<id>, the outcome of an attempt as AuditEvent/<id>, and by agent and date', async () => {
    const records = await jsonRecords(patientId);
    const testRecords = records.filter(
      (record) =>
        record.resource.type === 'test' && record.resource.id === testId,
    );
    expect(testRecords.length).toBeGreaterThanOrEqual(3);
    const byReport = (await searchAll(`entity=DiagnosticReport/${testId}`))
      .events;
    expect(byReport.map((event) => event.id)).toEqual(
      testRecords.map((record) => record.id),
    );

    const outcome = records.find((record) => record.attemptId !== undefined)!;
    const byAttempt = (
      await searchAll(`entity=AuditEvent/${outcome.attemptId}`)
    ).events;
    expect(byAttempt.map((event) => event.id)).toEqual([outcome.id]);

    const client = records[0].onBehalfOf.actor;
    const byAgent = (
      await searchAll(
        `agent=${encodeURIComponent(client)}&patient=${patientId}`,
      )
    ).events;
    expect(byAgent.map((event) => event.id)).toEqual(
      records.map((record) => record.id),
    );
    const byOtherAgent = (
      await searchAll(`agent=subscription:nobody&patient=${patientId}`)
    ).events;
    expect(byOtherAgent).toEqual([]);

    const newest = records[0];
    const oldest = records[records.length - 1];
    const exactly = (
      await searchAll(
        `patient=${patientId}&date=${encodeURIComponent(newest.createdDate)}`,
      )
    ).events;
    expect(exactly.map((event) => event.id)).toContain(newest.id);
    expect(
      exactly.every((event) => event.recorded === newest.createdDate),
    ).toBe(true);
    const after = (
      await searchAll(
        `patient=${patientId}&date=gt${encodeURIComponent(oldest.createdDate)}`,
      )
    ).events;
    expect(after.map((event) => event.id)).not.toContain(oldest.id);
    expect(after.length).toBe(
      records.filter((record) => record.createdDate > oldest.createdDate)
        .length,
    );
    const range = (
      await searchAll(
        `patient=${patientId}&date=ge${encodeURIComponent(oldest.createdDate)}&date=le${encodeURIComponent(newest.createdDate)}`,
      )
    ).events;
    expect(range.map((event) => event.id)).toEqual(
      records.map((record) => record.id),
    );
    const none = (await searchAll(`patient=${patientId}&date=lt2000-01-01`))
      .events;
    expect(none).toEqual([]);
  });

  it('reads one AuditEvent by id, the same resource the search returned, and answers 404 for an unknown one', async () => {
    const [record] = await jsonRecords(patientId);
    const { events } = await searchAll(`_id=${record.id}`);
    expect(events.map((event) => event.id)).toEqual([record.id]);
    const read = expectFhir(
      await stack.audit.client.get(`/fhir/AuditEvent/${record.id}`),
      200,
    );
    expect(read).toEqual(events[0]);
    for (const id of [
      '0b6f0000-0000-4000-8000-000000000000',
      'not a fhir id',
    ]) {
      const missing = expectFhir(
        await stack.audit.client.get(
          `/fhir/AuditEvent/${encodeURIComponent(id)}`,
        ),
        404,
      );
      expect(missing).toMatchObject({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'not-found' }],
      });
    }
  });

  it('maps records appended through the JSON API whatever their ids and operations, as valid FHIR', async () => {
    const patient = `weird id ${Date.now()}`;
    const appended = [];
    for (const body of [
      {
        resource: { type: 'patient', id: 'not a FHIR id!', operation: 'read' },
        outcome: 500,
      },
      {
        resource: { type: 'device', id: 'd-1', operation: 'calibrate' },
        outcome: 503,
      },
      {
        resource: { type: 'patient', operation: 'export  all' },
        outcome: 'attempted',
      },
    ]) {
      const response = await stack.audit.appender.post('/auditrecord', {
        sourceSystemName: 'e2e-suite',
        patientIds: [patient],
        ...body,
      });
      expect(response.status).toBe(201);
      appended.push(response.body);
    }
    const { events } = await searchAll(
      `patient=${encodeURIComponent(patient)}`,
    );
    expect(events.map((event) => event.id)).toEqual(
      appended.map((record) => record.id).reverse(),
    );
    expect(events.map((event) => event.outcome)).toEqual([
      undefined,
      '8',
      '12',
    ]);
    // Ids that are not FHIR ids are kept as identifiers; a record without onBehalfOf has its caller as requestor.
    expect(events[2].entity[0].what).toEqual({
      identifier: {
        system: 'urn:patient-tests-platform:fhir:sid:patient-id',
        value: patient,
      },
    });
    expect(events[2].agent).toEqual([
      expect.objectContaining({ requestor: true }),
    ]);
    // patient=/entity= with a reference to an unknown type match nothing without an error.
    expect(
      (await searchAll(`entity=Observation/${encodeURIComponent('x')}`)).events,
    ).toEqual([]);
  });

  it('describes itself in a CapabilityStatement at /api/fhir/metadata', async () => {
    const statement = expectFhir(
      await stack.audit.client.get('/fhir/metadata'),
      200,
    );
    expect(statement).toMatchObject({
      resourceType: 'CapabilityStatement',
      fhirVersion: '4.0.1',
      kind: 'instance',
      rest: [
        {
          mode: 'server',
          resource: [
            {
              type: 'AuditEvent',
              interaction: [{ code: 'read' }, { code: 'search-type' }],
            },
          ],
        },
      ],
    });
    expect(
      statement.rest[0].resource[0].searchParam.map(
        (parameter: any) => parameter.name,
      ),
    ).toEqual(['_id', 'entity', 'patient', 'agent', 'date']);
  });

  describe('refusals, as OperationOutcome', () => {
    it.each([
      ['search', '/fhir/AuditEvent'],
      ['read', '/fhir/AuditEvent/0b6f0000-0000-4000-8000-000000000000'],
      ['metadata', '/fhir/metadata'],
    ])(
      'refuses the append key on %s (403) and a wrong or missing key (401)',
      async (_name, path) => {
        const append = stack.audit.client.with({
          'x-functions-key': AUDIT_KEY,
        });
        expect(expectFhir(await append.get(path), 403).issue[0].code).toBe(
          'forbidden',
        );
        const wrong = stack.audit.client.with({
          'x-functions-key': 'not-a-key-of-ours',
        });
        expect(expectFhir(await wrong.get(path), 401).issue[0].code).toBe(
          'login',
        );
        expect(
          expectFhir(
            await stack.audit.client.withoutHeader('x-functions-key').get(path),
            401,
          ).issue[0].code,
        ).toBe('login');
      },
    );

    it('rejects an unknown parameter under Prefer: handling=strict and ignores it, saying so, under lenient', async () => {
      const query = `/fhir/AuditEvent?patient=${patientId}&_sort=date&_count=1`;
      const strict = expectFhir(
        await stack.audit.client.get(query, {
          headers: { prefer: 'handling=strict' },
        }),
        400,
      );
      expect(strict.issue[0]).toMatchObject({
        severity: 'error',
        code: 'invalid',
      });
      expect(strict.issue[0].details.text).toContain('_sort');
      const preferences: Record<string, string>[] = [
        { prefer: 'handling=lenient' },
        {},
      ];
      for (const headers of preferences) {
        const lenient = expectFhir<Bundle>(
          await stack.audit.client.get(query, { headers }),
          200,
        );
        expect(matches(lenient)).toHaveLength(1);
        expect(
          lenient.entry!.find((entry) => entry.search?.mode === 'outcome')
            ?.resource,
        ).toMatchObject({
          resourceType: 'OperationOutcome',
          issue: [
            {
              severity: 'warning',
              diagnostics: expect.stringContaining('_sort'),
            },
          ],
        });
        expect(lenient.link![0].url).not.toContain('_sort');
      }
    });

    it.each([
      ['a malformed date', 'date=yesterday'],
      ['an impossible date', 'date=2026-02-30'],
      ['an unsupported date prefix', 'date=sa2026-01-01'],
      ['a date with a modifier', 'date:missing=true'],
      ['_count of zero', '_count=0'],
      ['_count not a number', '_count=ten'],
      ['_count given twice', '_count=1&_count=2'],
      [
        'a continuation token we did not issue',
        'continuationToken=bm90IG91cnM',
      ],
      ['an unsupported modifier', 'patient:missing=true'],
      ['a patient reference of another type', 'patient=Group/1'],
      ['a versioned reference', 'entity=Patient/1/_history/2'],
      ['an over-long value', `patient=${'x'.repeat(300)}`],
      [
        'too many ORed values',
        `patient=${Array.from({ length: 30 }, (_, n) => n).join(',')}`,
      ],
    ])('answers 400 to %s, whatever the handling', async (_name, query) => {
      for (const prefer of ['handling=strict', 'handling=lenient']) {
        const response = await stack.audit.client.get(
          `/fhir/AuditEvent?${query}`,
          { headers: { prefer } },
        );
        expect(expectFhir(response, 400).issue[0]).toMatchObject({
          severity: 'error',
          code: 'invalid',
        });
      }
    });

    it.each([
      ['POST', '/fhir/AuditEvent', 405],
      ['DELETE', '/fhir/AuditEvent/0b6f0000-0000-4000-8000-000000000000', 405],
      ['PUT', '/fhir/metadata', 405],
      ['GET', '/fhir/Patient', 404],
      ['GET', '/fhir/AuditEvent/x/_history', 404],
    ])('answers %s %s with %i', async (method, path, status) => {
      const response = await stack.audit.client.request(method, path);
      expect(expectFhir(response, status).resourceType).toBe(
        'OperationOutcome',
      );
    });

    it('never answers 5xx to generated hostile queries, and every answer is valid FHIR', async () => {
      // A seeded generator, so a failure replays: names and values from FHIR's syntax and beyond it.
      let seed = 17;
      const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
      const pick = <T>(choices: readonly T[]) =>
        choices[Math.floor((next() / 2 ** 31) * choices.length)];
      const names = [
        'entity',
        'patient',
        'agent',
        'date',
        '_id',
        '_count',
        'continuationToken',
        '_format',
        'entity:Patient',
        'entity:',
        'agent:identifier',
        'date:exact',
        '_sort',
        '_include',
        '',
        ':',
        '$where',
        'patient[$ne]',
        '__proto__',
        'constructor',
        'entity:Patient:x',
      ];
      const values = [
        '',
        ',',
        '\\',
        '\\,',
        'Patient/',
        '/x',
        'Patient/a/b',
        'http://x/Patient/1',
        'ge',
        'ge2026',
        'eq2026-99',
        '2026-01-01T25:00Z',
        '9999-12-31T23:59:59.999999999+14:00',
        '-1',
        '0',
        '1e3',
        '99999999',
        '{"$gt":""}',
        '[object Object]',
        'key:%00',
        '%FF%FE',
        '%E2%80%AE',
        'x'.repeat(300),
        'a,'.repeat(25),
        'urn:x|y|z',
        '|',
        'Patient/%2e%2e',
        'eyJiZWZvcmUiOi0xfQ',
        'eyJiZWZvcmUiOiJ4In0',
        'json',
        'xml',
      ];
      const statuses = new Set<number>();
      const failures: string[] = [];
      for (let request = 0; request < 300; request++) {
        const parameters = Array.from(
          { length: pick([1, 2, 3, 4]) },
          () => `${encodeURIComponent(pick(names))}=${pick(values)}`,
        ).join('&');
        const response = await stack.audit.client.get(
          `/fhir/AuditEvent?${parameters}`,
          {
            headers: { prefer: pick(['handling=strict', 'handling=lenient']) },
          },
        );
        try {
          expect(response.status).toBeLessThan(500);
          expectFhir(response, response.status);
        } catch (error) {
          failures.push(`${parameters}: ${(error as Error).message}`);
        }
        statuses.add(response.status);
      }
      expect(failures).toEqual([]);
      // The generator reached both sides: searches that ran and inputs refused.
      expect([...statuses].sort()).toEqual(expect.arrayContaining([200, 400]));
    });

    it.each([
      ['malformed JSON', '{', 'application/json'],
      [
        'a FHIR JSON body',
        '{"resourceType":"AuditEvent"}',
        'application/fhir+json',
      ],
      ['a body over 64 KiB', `"${'x'.repeat(70_000)}"`, 'application/json'],
      // Refused by the platform's body parser before any route (docs/fhir.md): a 4xx, never a 5xx.
    ])('answers a POST with %s with a 4xx', async (_name, rawBody, type) => {
      const response = await stack.audit.client.request(
        'POST',
        '/fhir/AuditEvent',
        {
          rawBody,
          headers: { 'content-type': type },
        },
      );
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
    });

    it('answers 406 to a request for another format than JSON', async () => {
      const xml = await stack.audit.client.get('/fhir/metadata?_format=xml');
      expect(expectFhir(xml, 406).issue[0].code).toBe('not-supported');
      const accept = await stack.audit.client.get('/fhir/metadata', {
        headers: { accept: 'application/fhir+xml' },
      });
      expect(expectFhir(accept, 406).issue[0].code).toBe('not-supported');
      const json = await stack.audit.client.get('/fhir/metadata?_format=json', {
        headers: { accept: 'application/fhir+xml' },
      });
      expectFhir(json, 200);
    });
  });
});
