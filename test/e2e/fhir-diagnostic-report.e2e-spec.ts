import { randomUUID } from 'node:crypto';
import type { HttpResult } from '../support/http';
import { samplePatient, sampleTest } from '../support/samples';
import {
  OBSERVATION_ID,
  ORDER,
  transactionBundle,
} from './support/fhir-samples';
import { expectValidFhir } from './support/fhir-validation';
import { startStack } from './support/stack';

type Stack = Awaited<ReturnType<typeof startStack>>;

const FHIR_JSON = { 'content-type': 'application/fhir+json' };

interface Resource {
  resourceType: string;
  id: string;
  [element: string]: any;
}
interface Bundle {
  resourceType: 'Bundle';
  type: string;
  link?: { relation: string; url: string }[];
  entry: {
    fullUrl: string;
    resource: Resource;
    search?: { mode: string };
    response?: any;
  }[];
}

describe('FHIR DiagnosticReport and Observation over the JSON API tests, on a real database, audited', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(() => stack.close());

  const api = () => stack.patientTests.client;
  const fhirGet = (path: string, headers: Record<string, string> = {}) =>
    api().get(`/fhir${path}`, { headers });
  const fhirPost = (body: unknown) =>
    api().post('/fhir', body, { headers: FHIR_JSON });

  function expectFhir(response: HttpResult, status: number) {
    expect({
      status: response.status,
      type: response.headers.get('content-type'),
    }).toEqual({
      status,
      type: expect.stringMatching(/^application\/fhir\+json/),
    });
    expectValidFhir(response.body);
    for (const entry of (response.body as Partial<Bundle>).entry ?? []) {
      expectValidFhir(entry.resource);
    }
  }

  function expectOutcome(response: HttpResult, status: number, code?: string) {
    expect(response.status).toBe(status);
    expect(response.body.resourceType).toBe('OperationOutcome');
    if (code) {
      expect(response.body.issue[0].details.coding[0].code).toBe(code);
    }
    expectValidFhir(response.body);
  }

  const newPatient = async () =>
    (await api().post('/patient', samplePatient())).body.id as string;
  const idsOf = (bundle: Bundle, mode = 'match') =>
    (bundle.entry ?? [])
      .filter((entry) => entry.search?.mode === mode)
      .map((entry) => entry.resource.id);

  it('answers GET /metadata with a valid CapabilityStatement naming what is supported', async () => {
    const response = await fhirGet('/metadata');
    expectFhir(response, 200);
    const [rest] = response.body.rest;
    expect(rest.resource.map((resource: Resource) => resource.type)).toEqual([
      'Patient',
      'DiagnosticReport',
      'Observation',
    ]);
    expect(
      rest.resource[0].searchParam
        .map((param: { name: string }) => param.name)
        .sort(),
    ).toEqual([
      '_id',
      'address-postalcode',
      'birthdate',
      'family',
      'gender',
      'given',
      'identifier',
    ]);
    expect(rest.resource[0].conditionalCreate).toBe(true);
  });

  it('answers every search in the CapabilityStatement exactly as it states: its inclusions taken, any other refused under Prefer: handling=strict', async () => {
    const { body } = await fhirGet('/metadata');
    const stated = (
      body.rest[0].resource as {
        type: string;
        searchInclude?: string[];
        searchRevInclude?: string[];
      }[]
    ).map(({ type, searchInclude = [], searchRevInclude = [] }) => ({
      type,
      searchInclude,
      searchRevInclude,
    }));
    expect(stated).toEqual([
      { type: 'Patient', searchInclude: [], searchRevInclude: [] },
      {
        type: 'DiagnosticReport',
        searchInclude: ['DiagnosticReport:result'],
        searchRevInclude: [],
      },
      {
        type: 'Observation',
        searchInclude: [],
        searchRevInclude: ['DiagnosticReport:result'],
      },
    ]);
    const strictSearch = (type: string, parameter: string, value: string) =>
      fhirGet(
        `/${type}?_id=${randomUUID()}&${parameter}=${encodeURIComponent(value)}`,
        { prefer: 'handling=strict' },
      );
    for (const { type, searchInclude, searchRevInclude } of stated) {
      for (const [parameter, values] of [
        ['_include', searchInclude],
        ['_revinclude', searchRevInclude],
      ] as const) {
        for (const value of values) {
          expectFhir(await strictSearch(type, parameter, value), 200);
        }
        for (const value of [
          '*',
          `${type}:subject`,
          'DiagnosticReport:result',
        ]) {
          if (!values.includes(value)) {
            expectOutcome(
              await strictSearch(type, parameter, value),
              400,
              'INVALID_SEARCH',
            );
          }
        }
      }
    }
  });

  it('creates a report with its observations in one transaction, read back through FHIR and the JSON API', async () => {
    const patientId = await newPatient();
    const bundle = transactionBundle(patientId, [
      { code: '718-7' },
      { code: '789-8', status: 'preliminary' },
    ]);

    const response = await fhirPost(bundle);

    expectFhir(response, 200);
    const result = response.body as Bundle;
    expect(result.type).toBe('transaction-response');
    expect(
      result.entry.map((entry) => [
        entry.resource.resourceType,
        entry.response.status,
      ]),
    ).toEqual([
      ['DiagnosticReport', '201 Created'],
      ['Observation', '201 Created'],
      ['Observation', '201 Created'],
    ]);
    const report = result.entry[0].resource;
    expect(report).toMatchObject({
      status: 'partial',
      subject: { reference: `Patient/${patientId}` },
      result: [
        { reference: `Observation/${report.id}.1` },
        { reference: `Observation/${report.id}.2` },
      ],
    });

    const json = await api().get(`/patient/${patientId}/tests/${report.id}`);
    expect(json.status).toBe(200);
    expect(json.body).toMatchObject({
      performer: 'Pathology lab 3',
      orderReference: (
        bundle.entry[0].resource as unknown as {
          basedOn: [{ identifier: { value: string } }];
        }
      ).basedOn[0].identifier.value,
      observations: [
        {
          id: 'obs-1',
          code: '718-7',
          status: 'final',
          measurement: '13.5 g/dL',
          interpretation: 'normal',
        },
        { id: 'obs-2', code: '789-8', status: 'preliminary' },
      ],
    });

    const read = await fhirGet(`/DiagnosticReport/${report.id}`);
    expectFhir(read, 200);
    expect(read.body).toEqual(report);
    const observation = await fhirGet(`/Observation/${report.id}.2`);
    expectFhir(observation, 200);
    expect(observation.body).toEqual(result.entry[2].resource);
  });

  it('shows a test created through the JSON API as a DiagnosticReport with its Observations', async () => {
    const patientId = await newPatient();
    const { body: test } = await api().post(
      `/patient/${patientId}/tests`,
      sampleTest(),
    );

    const report = await fhirGet(`/DiagnosticReport/${test.id}`);
    expectFhir(report, 200);
    expect(report.body).toMatchObject({
      id: test.id,
      status: 'final',
      issued: '2026-11-20T09:30:00.000Z',
      performer: [{ display: test.performer }],
      basedOn: [{ identifier: { system: ORDER, value: test.orderReference } }],
    });
    const observation = await fhirGet(`/Observation/${test.id}.1`);
    expectFhir(observation, 200);
    expect(observation.body).toMatchObject({
      identifier: [{ system: OBSERVATION_ID, value: 'obs-1' }],
      code: { coding: [{ code: '718-7' }] },
      valueString: '13.5 g/dL',
      interpretation: [{ text: 'normal' }],
    });
  });

  describe('search', () => {
    let patientId: string;
    const reports: string[] = [];

    beforeAll(async () => {
      patientId = await newPatient();
      for (const observations of [
        [
          { code: 'A', issued: '2026-01-10T08:00:00Z' },
          { code: 'B', issued: '2026-01-10T08:00:00Z' },
        ],
        [{ code: 'A', issued: '2026-02-10T08:00:00+02:00' }],
        [{ code: 'C', status: 'preliminary', issued: '2026-03-10T08:00:00Z' }],
      ]) {
        const { body } = await fhirPost(
          transactionBundle(patientId, observations),
        );
        reports.push(body.entry[0].resource.id);
      }
    });

    const search = async (path: string) => {
      const response = await fhirGet(path);
      expectFhir(response, 200);
      return response.body as Bundle;
    };

    it('finds reports by patient and subject, by status and by date, with their results on _include', async () => {
      const sorted = [...reports].sort();
      expect(
        idsOf(await search(`/DiagnosticReport?patient=${patientId}`)),
      ).toEqual(sorted);
      expect(
        idsOf(await search(`/DiagnosticReport?subject=Patient/${patientId}`)),
      ).toEqual(sorted);
      expect(
        idsOf(
          await search(
            `/DiagnosticReport?patient=${patientId}&status=preliminary`,
          ),
        ),
      ).toEqual([reports[2]]);
      expect(
        idsOf(
          await search(`/DiagnosticReport?patient=${patientId}&date=2026-02`),
        ),
      ).toEqual([reports[1]]);
      expect(
        idsOf(
          await search(
            `/DiagnosticReport?patient=${patientId}&date=ge2026-02-01&date=lt2026-03`,
          ),
        ),
      ).toEqual([reports[1]]);

      const included = await search(
        `/DiagnosticReport?_id=${reports[0]}&_include=DiagnosticReport:result`,
      );
      expect(idsOf(included)).toEqual([reports[0]]);
      expect(idsOf(included, 'include')).toEqual([
        `${reports[0]}.1`,
        `${reports[0]}.2`,
      ]);
    });

    it('finds observations by patient, code, status and date, with their report on _revinclude', async () => {
      const codeA = await search(`/Observation?patient=${patientId}&code=A`);
      expect(idsOf(codeA).sort()).toEqual(
        [`${reports[0]}.1`, `${reports[1]}.1`].sort(),
      );
      expect(
        idsOf(
          await search(
            `/Observation?subject=Patient/${patientId}&status=preliminary`,
          ),
        ),
      ).toEqual([`${reports[2]}.1`]);
      expect(
        idsOf(
          await search(`/Observation?patient=${patientId}&date=2026-01-10`),
        ).sort(),
      ).toEqual([`${reports[0]}.1`, `${reports[0]}.2`].sort());
      expect(
        idsOf(
          await search(
            `/Observation?patient=${patientId}&code=${encodeURIComponent('http://loinc.org|A')}`,
          ),
        ),
      ).toEqual([]);

      const withReport = await search(
        `/Observation?patient=${patientId}&code=C&_revinclude=DiagnosticReport:result`,
      );
      expect(idsOf(withReport, 'include')).toEqual([reports[2]]);
    });

    it('pages observations one at a time through the next links, each exactly once', async () => {
      const seen: string[] = [];
      let path: string | undefined =
        `/Observation?patient=${patientId}&_count=1`;
      while (path) {
        const bundle = await search(path);
        seen.push(...idsOf(bundle));
        const next = bundle.link?.find((link) => link.relation === 'next');
        path =
          next &&
          next.url.slice(next.url.indexOf('/api/fhir') + '/api/fhir'.length);
      }
      expect(seen.sort()).toEqual(
        [
          `${reports[0]}.1`,
          `${reports[0]}.2`,
          `${reports[1]}.1`,
          `${reports[2]}.1`,
        ].sort(),
      );
    });

    it('refuses an unsupported _include under Prefer: handling=strict, and ignores it otherwise', async () => {
      const strict = await fhirGet(
        `/DiagnosticReport?patient=${patientId}&_include=DiagnosticReport:subject`,
        {
          prefer: 'handling=strict',
        },
      );
      expectOutcome(strict, 400, 'INVALID_SEARCH');
      const lenient = await search(
        `/DiagnosticReport?patient=${patientId}&_include=DiagnosticReport:subject`,
      );
      expect(idsOf(lenient, 'include')).toEqual([]);
    });
  });

  describe('errors are OperationOutcomes with a 4xx status', () => {
    it.each([
      [
        'without a report',
        (p: string) => ({
          ...transactionBundle(p, [{ code: 'A' }]),
          entry: transactionBundle(p, [{ code: 'A' }]).entry.slice(1),
        }),
      ],
      [
        'whose report misses an observation',
        (p: string) =>
          transactionBundle(p, [{ code: 'A' }], {
            report: {
              result: [
                { reference: 'urn:uuid:00000000-0000-4000-8000-000000000000' },
              ],
            },
          }),
      ],
      [
        'whose subjects differ',
        (p: string) =>
          transactionBundle(p, [{ code: 'A' }], {
            report: { subject: { reference: `Patient/${randomUUID()}` } },
          }),
      ],
      [
        'of type batch',
        (p: string) => ({
          ...transactionBundle(p, [{ code: 'A' }]),
          type: 'batch',
        }),
      ],
      [
        'with an unknown element',
        (p: string) =>
          transactionBundle(p, [{ code: 'A' }], {
            report: { conclusion: 'fine' },
          }),
      ],
      [
        'with an observation status outside the value set',
        (p: string) => transactionBundle(p, [{ code: 'A', status: 'done' }]),
      ],
    ])('400 for a transaction %s', async (_what, build) => {
      const response = await fhirPost(build(await newPatient()));
      expect(response.status).toBe(400);
      expectOutcome(response, 400);
    });

    it('404 for a transaction about an unknown patient, and for unknown reports and observations', async () => {
      expectOutcome(
        await fhirPost(transactionBundle(randomUUID(), [{ code: 'A' }])),
        404,
        'PATIENT_NOT_FOUND',
      );
      expectOutcome(await fhirGet(`/DiagnosticReport/${randomUUID()}`), 404);
      expectOutcome(await fhirGet(`/Observation/${randomUUID()}.1`), 404);
      expectOutcome(
        await fhirGet('/Observation/nonsense'),
        404,
        'OBSERVATION_NOT_FOUND',
      );
    });

    it('400 for a malformed date search', async () => {
      expectOutcome(
        await fhirGet('/Observation?date=yesterday'),
        400,
        'INVALID_SEARCH',
      );
      expectOutcome(
        await fhirGet('/DiagnosticReport?date=ap2026'),
        400,
        'INVALID_SEARCH',
      );
    });
  });

  it('audits the transaction before the write, naming its patient, and reads with the patient disclosed (an observation under its test)', async () => {
    const patientId = await newPatient();
    const { body } = await fhirPost(
      transactionBundle(patientId, [{ code: 'A' }]),
    );
    const reportId = body.entry[0].resource.id as string;
    await fhirGet(`/DiagnosticReport/${reportId}`);
    await fhirGet(`/Observation/${reportId}.1`);
    await fhirGet(`/Observation?patient=${patientId}`);

    const records = (
      await stack.audit.client.get(
        `/auditrecord?patientId=${patientId}&limit=20`,
      )
    ).body as Array<{
      resource: { type: string; id?: string; operation: string };
      outcome: number | string;
    }>;
    expect(
      records.map((record) => [
        record.resource.type,
        record.resource.operation,
        record.outcome,
      ]),
    ).toEqual([
      ['test', 'search', 200],
      ['test', 'read', 200],
      ['test', 'read', 200],
      ['test', 'create', 200],
      ['test', 'create', 'attempted'],
      ['patient', 'create', 201],
      ['patient', 'create', 'attempted'],
    ]);
    expect(records.slice(1, 4).map((record) => record.resource.id)).toEqual([
      reportId,
      reportId,
      reportId,
    ]);
  });
});
