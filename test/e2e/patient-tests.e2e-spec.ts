import { randomUUID } from 'node:crypto';
import { knownTrace } from '../support/http';
import { samplePatient, sampleTest } from '../support/samples';
import { HOST_KINDS, HostKind, startStackOn } from './support/hosts';

type Stack = Awaited<ReturnType<typeof startStackOn>>;

// One contract, two hosts: a listening socket (main.ts) and the Azure Functions handler (functions.ts).
describe.each(HOST_KINDS)(
  'patient-tests with the real audit API on a real database, on the %s host',
  (kind: HostKind) => {
    let stack: Stack;

    beforeAll(async () => {
      stack = await startStackOn(kind);
    });

    afterAll(async () => {
      await stack.close();
    });

    const api = () => stack.patientTests.client;

    interface StoredRecord {
      id: string;
      resource: { type: string; id?: string; operation: string };
      patientIds: string[];
      outcome: number | 'attempted';
      attemptId?: string;
      correlationId: string;
    }

    /** The audit records written under one trace id, newest first, through the audit API itself. */
    async function auditRecordsOf(traceId: string) {
      const response = await stack.audit.client.get(
        `/auditrecord?correlationId=${traceId}`,
      );
      expect(response.status).toBe(200);
      return response.body as StoredRecord[];
    }

    /** Every record naming a patient, newest first, walking all pages of `?patientId=`. */
    async function auditRecordsOfPatient(patientId: string) {
      const records: StoredRecord[] = [];
      let token: string | null = null;
      do {
        const next: string = token
          ? `&continuationToken=${encodeURIComponent(token)}`
          : '';
        const page = await stack.audit.client.get(
          `/auditrecord?patientId=${patientId}&limit=2${next}`,
        );
        expect(page.status).toBe(200);
        records.push(...(page.body as StoredRecord[]));
        token = page.headers.get('x-continuation-token');
      } while (token);
      return records;
    }

    const traced = (): {
      traceId: string;
      headers: Record<string, string>;
    } => {
      const { traceId, traceparent } = knownTrace();
      return { traceId, headers: { traceparent } };
    };

    /**
     * The records one request left: a read exactly one, with its status; a write exactly two, its
     * attempt (before the write) and its outcome linked to the attempt.
     */
    async function expectRecords(
      traceId: string,
      expected: {
        resource: StoredRecord['resource'];
        patientIds: string[];
        status: number;
        write: boolean;
      },
    ) {
      const records = await auditRecordsOf(traceId);
      const common = {
        sourceSystemName: 'patient-tests',
        resource: expected.resource,
        patientIds: expected.patientIds,
        correlationId: traceId,
        // patient-tests is the authenticated caller; its own client is asserted on its behalf.
        actor: expect.stringMatching(/^key:[0-9a-f]{8}$/),
        onBehalfOf: expect.objectContaining({
          actor: expect.stringMatching(/^key:[0-9a-f]{8}$/),
        }),
      };
      if (!expected.write) {
        expect(records).toEqual([
          expect.objectContaining({ ...common, outcome: expected.status }),
        ]);
        expect(records[0]).not.toHaveProperty('attemptId');
        return records;
      }
      expect(records).toEqual([
        expect.objectContaining({
          ...common,
          outcome: expected.status,
          attemptId: records[1]?.id,
        }),
        expect.objectContaining({ ...common, outcome: 'attempted' }),
      ]);
      expect(records[1]).not.toHaveProperty('attemptId');
      return records;
    }

    async function createPatient(overrides: Record<string, unknown> = {}) {
      const response = await api().post('/patient', samplePatient(overrides));
      expect(response.status).toBe(201);
      return response.body;
    }

    describe('patients', () => {
      it('creates a patient with a server id, a Location header and no storage fields', async () => {
        const body = samplePatient();
        const response = await api().post('/patient', body);

        expect(response.status).toBe(201);
        expect(response.body).toEqual({
          ...body,
          id: expect.any(String),
          lastUpdated: expect.any(String),
        });
        expect(response.headers.get('location')).toBe(
          `/api/patient/${response.body.id}`,
        );
        expect(
          Object.keys(response.body).filter((key) => key.startsWith('_')),
        ).toEqual([]);
      });

      it('accepts a trailing slash on create', async () => {
        expect((await api().post('/patient/', samplePatient())).status).toBe(
          201,
        );
      });

      it('reads back exactly what it stored', async () => {
        const created = await createPatient();
        const response = await api().get(`/patient/${created.id}`);
        expect(response.status).toBe(200);
        expect(response.body).toEqual(created);
      });

      it('updates with exactly the body GET returned, with a field changed, and sets a new lastUpdated', async () => {
        const created = await createPatient();
        const { body: current } = await api().get(`/patient/${created.id}`);
        await new Promise((resolve) => setTimeout(resolve, 5));

        const response = await api().put(`/patient/${created.id}`, {
          ...current,
          postCode: '9999',
        });

        expect(response.status).toBe(200);
        expect(response.body).toEqual({
          ...current,
          postCode: '9999',
          lastUpdated: expect.any(String),
        });
        expect(response.body.lastUpdated > current.lastUpdated).toBe(true);
        expect((await api().get(`/patient/${created.id}`)).body.postCode).toBe(
          '9999',
        );
      });

      it('answers 404 for an unknown or malformed patient id, on read and on update', async () => {
        const unknown = '6f1c8a0e-5d2b-4c7a-9b1e-2a3d4c5e6f70';
        expect((await api().get(`/patient/${unknown}`)).status).toBe(404);
        expect((await api().get('/patient/not-a-uuid')).status).toBe(404);
        expect(
          (await api().put(`/patient/${unknown}`, samplePatient())).status,
        ).toBe(404);
        expect(
          (await api().put('/patient/not-a-uuid', samplePatient())).status,
        ).toBe(404);
      });

      it('rejects an update whose body id differs from the path', async () => {
        const created = await createPatient();
        const other = await createPatient();
        const response = await api().put(`/patient/${created.id}`, {
          ...samplePatient(),
          id: other.id,
        });
        expect(response.status).toBe(400);
        expect(response.body.code).toBe('PATIENT_ID_MISMATCH');
      });

      it('searches by exact criteria, by date-of-birth range, and returns [] when nothing matches', async () => {
        const lastName = `Search-${Date.now()}`;
        const older = await createPatient({
          lastName,
          dateOfBirth: '1950-06-01',
        });
        const younger = await createPatient({
          lastName,
          dateOfBirth: '1990-06-01',
        });

        const byName = await api().post('/patient/search', { lastName });
        expect(byName.status).toBe(200);
        expect(byName.body.map((p: { id: string }) => p.id).sort()).toEqual(
          [older.id, younger.id].sort(),
        );

        const byId = await api().post('/patient/search', { id: older.id });
        expect(byId.body).toEqual([older]);

        const range = await api().post('/patient/search', {
          lastName,
          dateOfBirthFrom: '1980',
          dateOfBirthTo: '2000-01-01',
        });
        expect(range.body).toEqual([younger]);

        expect(
          (
            await api().post('/patient/search', {
              lastName: `${lastName}-none`,
            })
          ).body,
        ).toEqual([]);
      });

      it('pages search results with x-continuation-token in a deterministic order, without repeats', async () => {
        const postCode = String(Math.floor(1000 + Math.random() * 8999));
        const lastName = `Paged-${Date.now()}`;
        const created = await Promise.all(
          [1, 2, 3, 4, 5].map(() => createPatient({ lastName, postCode })),
        );

        const seen: string[] = [];
        let token: string | null = null;
        let pages = 0;
        do {
          const query: string = token
            ? `&continuationToken=${encodeURIComponent(token)}`
            : '';
          const page = await api().post(`/patient/search?limit=2${query}`, {
            lastName,
          });
          expect(page.status).toBe(200);
          expect(page.body.length).toBeLessThanOrEqual(2);
          seen.push(...page.body.map((p: { id: string }) => p.id));
          token = page.headers.get('x-continuation-token');
          pages++;
        } while (token);

        expect(pages).toBe(3);
        expect(seen).toEqual(created.map((p) => p.id).sort());
      });

      it('rejects a continuation token it did not issue', async () => {
        const response = await api().post(
          '/patient/search?continuationToken=bm9wZQ',
          {},
        );
        expect(response.status).toBe(400);
        expect(response.body.code).toBe('INVALID_CONTINUATION_TOKEN');
      });
    });

    describe('medical tests', () => {
      it('creates, lists and reads a test of a patient', async () => {
        const patient = await createPatient();
        const body = sampleTest();

        const created = await api().post(`/patient/${patient.id}/tests`, body);
        expect(created.status).toBe(201);
        expect(created.body).toEqual({
          ...body,
          id: expect.any(String),
          patientId: patient.id,
          lastUpdated: expect.any(String),
        });
        expect(created.headers.get('location')).toBe(
          `/api/patient/${patient.id}/tests/${created.body.id}`,
        );

        const list = await api().get(`/patient/${patient.id}/tests`);
        expect(list.status).toBe(200);
        expect(list.body).toEqual([created.body]);
        expect((await api().get(`/patient/${patient.id}/tests/`)).body).toEqual(
          [created.body],
        );

        const one = await api().get(
          `/patient/${patient.id}/tests/${created.body.id}`,
        );
        expect(one.status).toBe(200);
        expect(one.body).toEqual(created.body);
      });

      it('lists an empty array for a patient without tests', async () => {
        const patient = await createPatient();
        const list = await api().get(`/patient/${patient.id}/tests`);
        expect(list.status).toBe(200);
        expect(list.body).toEqual([]);
      });

      it('accepts a body patientId equal to the path and rejects a different one', async () => {
        const patient = await createPatient();
        const other = await createPatient();
        expect(
          (
            await api().post(
              `/patient/${patient.id}/tests`,
              sampleTest({ patientId: patient.id }),
            )
          ).status,
        ).toBe(201);
        expect(
          (
            await api().post(
              `/patient/${patient.id}/tests`,
              sampleTest({ patientId: other.id }),
            )
          ).status,
        ).toBe(400);
      });

      it('answers 400 for a malformed patient id and 404 for an unknown patient on create', async () => {
        expect(
          (await api().post('/patient/not-a-uuid/tests', sampleTest())).status,
        ).toBe(400);
        const unknown = await api().post(
          '/patient/6f1c8a0e-5d2b-4c7a-9b1e-2a3d4c5e6f70/tests',
          sampleTest(),
        );
        expect(unknown.status).toBe(404);
        expect(unknown.body.code).toBe('PATIENT_NOT_FOUND');
      });

      it('answers 404 for lists of unknown or malformed patients and for unknown or malformed test ids', async () => {
        const patient = await createPatient();
        expect(
          (
            await api().get(
              '/patient/6f1c8a0e-5d2b-4c7a-9b1e-2a3d4c5e6f70/tests',
            )
          ).status,
        ).toBe(404);
        expect((await api().get('/patient/nope/tests')).status).toBe(404);
        expect(
          (
            await api().get(
              `/patient/${patient.id}/tests/6f1c8a0e-5d2b-4c7a-9b1e-2a3d4c5e6f70`,
            )
          ).status,
        ).toBe(404);
        expect(
          (await api().get(`/patient/${patient.id}/tests/nope`)).status,
        ).toBe(404);
      });

      it("does not serve one patient's test under another patient's id", async () => {
        const owner = await createPatient();
        const other = await createPatient();
        const test = await api().post(
          `/patient/${owner.id}/tests`,
          sampleTest(),
        );
        expect(
          (await api().get(`/patient/${other.id}/tests/${test.body.id}`))
            .status,
        ).toBe(404);
      });
    });

    describe('the audit register', () => {
      it('records every route with the patients it concerns and its outcome: one record per read, an attempt and an outcome per write', async () => {
        const create = traced();
        const patient = (
          await api().post('/patient', samplePatient(), {
            headers: create.headers,
          })
        ).body;
        const read = traced();
        await api().get(`/patient/${patient.id}`, { headers: read.headers });
        const update = traced();
        await api().put(`/patient/${patient.id}`, samplePatient(), {
          headers: update.headers,
        });
        const search = traced();
        await api().post(
          '/patient/search',
          { id: patient.id },
          { headers: search.headers },
        );
        const createTest = traced();
        const test = (
          await api().post(`/patient/${patient.id}/tests`, sampleTest(), {
            headers: createTest.headers,
          })
        ).body;
        const list = traced();
        await api().get(`/patient/${patient.id}/tests`, {
          headers: list.headers,
        });
        const readTest = traced();
        await api().get(`/patient/${patient.id}/tests/${test.id}`, {
          headers: readTest.headers,
        });

        const patientIds = [patient.id];
        const expectations: Array<
          [ReturnType<typeof traced>, StoredRecord['resource'], number, boolean]
        > = [
          [
            create,
            { type: 'patient', id: patient.id, operation: 'create' },
            201,
            true,
          ],
          [
            read,
            { type: 'patient', id: patient.id, operation: 'read' },
            200,
            false,
          ],
          [
            update,
            { type: 'patient', id: patient.id, operation: 'update' },
            200,
            true,
          ],
          [search, { type: 'patient', operation: 'search' }, 200, false],
          [
            createTest,
            { type: 'test', id: test.id, operation: 'create' },
            201,
            true,
          ],
          [list, { type: 'test', operation: 'list' }, 200, false],
          [
            readTest,
            { type: 'test', id: test.id, operation: 'read' },
            200,
            false,
          ],
        ];
        for (const [trace, resource, status, write] of expectations) {
          await expectRecords(trace.traceId, {
            resource,
            patientIds,
            status,
            write,
          });
        }
        // Everything above concerns this one patient, and ?patientId= finds all of it, newest first.
        const byPatient = await auditRecordsOfPatient(patient.id);
        expect(byPatient.map((r) => r.correlationId)).toEqual(
          [
            readTest,
            list,
            createTest,
            createTest,
            search,
            update,
            update,
            read,
            create,
            create,
          ].map((trace) => trace.traceId),
        );
      });

      it('records how an access ended: a 404 probe, a 412 that changed nothing, a test for an unknown patient, an empty search', async () => {
        const unknown = randomUUID();
        const probe = traced();
        expect(
          (await api().get(`/patient/${unknown}`, { headers: probe.headers }))
            .status,
        ).toBe(404);
        await expectRecords(probe.traceId, {
          resource: { type: 'patient', id: unknown, operation: 'read' },
          patientIds: [unknown],
          status: 404,
          write: false,
        });

        const patient = await createPatient();
        const stale = traced();
        const staleWrite = await api().put(
          `/patient/${patient.id}`,
          samplePatient({ firstName: 'Changed' }),
          { headers: { ...stale.headers, 'if-match': '"stale-etag"' } },
        );
        expect(staleWrite.status).toBe(412);
        await expectRecords(stale.traceId, {
          resource: { type: 'patient', id: patient.id, operation: 'update' },
          patientIds: [patient.id],
          status: 412,
          write: true,
        });

        const orphan = traced();
        const orphanTest = await api().post(
          `/patient/${unknown}/tests`,
          sampleTest(),
          { headers: orphan.headers },
        );
        expect(orphanTest.status).toBe(404);
        const [, attempt] = await expectRecords(orphan.traceId, {
          resource: {
            type: 'test',
            id: expect.any(String) as string,
            operation: 'create',
          },
          patientIds: [unknown],
          status: 404,
          write: true,
        });
        expect(attempt.resource.id).toMatch(/^[0-9a-f-]{36}$/);

        const nothing = traced();
        await api().post(
          '/patient/search',
          { lastName: `Nobody-${randomUUID()}` },
          { headers: nothing.headers },
        );
        await expectRecords(nothing.traceId, {
          resource: { type: 'patient', operation: 'search' },
          patientIds: [],
          status: 200,
          write: false,
        });
      });

      it('names the patients a search returned, page by page, and each of them finds the search under ?patientId=', async () => {
        const lastName = `Three-${randomUUID().slice(0, 8)}`;
        const created: string[] = [];
        for (let i = 0; i < 3; i++) {
          created.push((await createPatient({ lastName })).id);
        }
        const outsider = (await createPatient()).id;

        const search = traced();
        const found = await api().post(
          '/patient/search',
          { lastName },
          { headers: search.headers },
        );
        expect(found.status).toBe(200);
        const returned = (found.body as Array<{ id: string }>).map((p) => p.id);
        expect([...returned].sort()).toEqual([...created].sort());
        await expectRecords(search.traceId, {
          resource: { type: 'patient', operation: 'search' },
          patientIds: returned,
          status: 200,
          write: false,
        });
        for (const id of created) {
          const records = await auditRecordsOfPatient(id);
          expect(records.map((r) => [r.resource.operation, r.outcome])).toEqual(
            [
              ['search', 200],
              ['create', 201],
              ['create', 'attempted'],
            ],
          );
          expect(records[0].correlationId).toBe(search.traceId);
        }
        expect(
          (await auditRecordsOfPatient(outsider)).map((r) => r.correlationId),
        ).not.toContain(search.traceId);

        // A first page of two names exactly those two, not the third it did not return.
        const firstPage = traced();
        const page = await api().post(
          '/patient/search?limit=2',
          { lastName },
          { headers: firstPage.headers },
        );
        expect(page.body).toHaveLength(2);
        await expectRecords(firstPage.traceId, {
          resource: { type: 'patient', operation: 'search' },
          patientIds: (page.body as Array<{ id: string }>).map((p) => p.id),
          status: 200,
          write: false,
        });
      });

      it('returns the trace id of the request as x-correlation-id', async () => {
        const { traceId, traceparent } = knownTrace();
        const response = await api().post(
          '/patient/search',
          {},
          { headers: { traceparent } },
        );
        expect(response.headers.get('x-correlation-id')).toBe(traceId);
      });
    });

    describe('authentication', () => {
      it('answers 401 problem+json without a key or with a wrong key, and accepts the key as ?code=', async () => {
        const noKey = await api()
          .withoutHeader('x-functions-key')
          .get('/patient/search');
        expect(noKey.status).toBe(401);
        expect(noKey.headers.get('content-type')).toContain(
          'application/problem+json',
        );

        const wrongKey = await api()
          .with({ 'x-functions-key': 'wrong-key-wrong-key' })
          .post('/patient/search', {});
        expect(wrongKey.status).toBe(401);

        const queryKey = await api()
          .withoutHeader('x-functions-key')
          .post(
            `/patient/search?code=${encodeURIComponent('e2e-patient-tests-key-0001')}`,
            {},
          );
        expect(queryKey.status).toBe(200);
      });

      it('serves /api/health without a key', async () => {
        const response = await api()
          .withoutHeader('x-functions-key')
          .get('/health');
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ status: 'ok' });
      });
    });

    describe('bad input', () => {
      it.each([
        [
          'a missing required field',
          { ...samplePatient(), firstName: undefined },
        ],
        ['an unknown field', { ...samplePatient(), favouriteColour: 'blue' }],
        [
          'a server-assigned id',
          { ...samplePatient(), id: '6f1c8a0e-5d2b-4c7a-9b1e-2a3d4c5e6f70' },
        ],
        [
          'a server-assigned lastUpdated',
          { ...samplePatient(), lastUpdated: '2020-01-01T00:00:00Z' },
        ],
        ['a number for a string', { ...samplePatient(), firstName: 42 }],
        ['an array for a string', { ...samplePatient(), lastName: ['a'] }],
        [
          'a $-operator object for a string',
          { ...samplePatient(), firstName: { $ne: null } },
        ],
        [
          'a date of birth in the future',
          { ...samplePatient(), dateOfBirth: '2999-01-01' },
        ],
        [
          'an impossible date',
          { ...samplePatient(), dateOfBirth: '2001-02-29' },
        ],
        ['a 5-character post code', { ...samplePatient(), postCode: '12345' }],
        ['an unknown gender', { ...samplePatient(), gender: 'n/a' }],
        [
          'a 65-character first name',
          { ...samplePatient(), firstName: 'x'.repeat(65) },
        ],
      ])('answers 400 with errors for %s', async (_case, body) => {
        const response = await api().post('/patient', body);
        expect(response.status).toBe(400);
        expect(response.headers.get('content-type')).toContain(
          'application/problem+json',
        );
        expect(response.body).toMatchObject({
          status: 400,
          code: 'VALIDATION_FAILED',
          correlationId: expect.any(String),
        });
        expect(response.body.errors.length).toBeGreaterThan(0);
      });

      it('answers 400 for $-operators in search criteria', async () => {
        const response = await api().post('/patient/search', {
          lastName: { $regex: '.*' },
        });
        expect(response.status).toBe(400);
      });

      it('answers 400 for malformed JSON without echoing parser text', async () => {
        const response = await api().post('/patient', undefined, {
          rawBody: '{"firstName": "Ada",',
        });
        expect(response.status).toBe(400);
        expect(response.body.detail).not.toMatch(/position|token|Unexpected/i);
      });

      it('answers 413 for a body over 64 KiB', async () => {
        const response = await api().post(
          '/patient',
          samplePatient({ fullName: 'x'.repeat(70 * 1024) }),
        );
        expect(response.status).toBe(413);
        expect(response.body.code).toBe('PAYLOAD_TOO_LARGE');
      });

      it('answers 400 for an invalid test body and for invalid search paging', async () => {
        const patient = await createPatient();
        expect(
          (
            await api().post(
              `/patient/${patient.id}/tests`,
              sampleTest({ observations: [] }),
            )
          ).status,
        ).toBe(400);
        expect(
          (
            await api().post(
              `/patient/${patient.id}/tests`,
              sampleTest({ observations: [{ id: 'x' }] }),
            )
          ).status,
        ).toBe(400);
        expect((await api().post('/patient/search?limit=201', {})).status).toBe(
          400,
        );
        expect((await api().post('/patient/search?limit=abc', {})).status).toBe(
          400,
        );
      });

      it('never shows a stack trace or driver text in an error', async () => {
        const response = await api().get('/patient/%E0%A4%A');
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(JSON.stringify(response.body)).not.toMatch(
          /at .*\.js:\d+|Mongo|stack/,
        );
      });
    });
  },
);
