import { randomUUID } from 'node:crypto';
import { samplePatient, sampleTest } from '../support/samples';
import { startStack } from './support/stack';

type Stack = Awaited<ReturnType<typeof startStack>>;

describe('writes that are safe to retry', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(() => stack.close());

  const api = () => stack.patientTests.client;
  const withKey = (key: string) => ({ headers: { 'idempotency-key': key } });

  async function auditRecordsFor(resourceId: string) {
    const response = await stack.audit.client.get(
      `/auditrecord?resourceId=${resourceId}`,
    );
    return response.body as Array<{
      resource: { operation: string };
      outcome: number | 'attempted';
    }>;
  }

  async function patientsNamed(lastName: string) {
    return (await api().post('/patient/search', { lastName })).body as Array<{
      id: string;
    }>;
  }

  describe('Idempotency-Key on creates', () => {
    it('replays the original response for the same key and body: same id, same status, one patient, one audited create', async () => {
      const body = samplePatient({ lastName: `Replay-${randomUUID()}` });
      const key = randomUUID();

      const first = await api().post('/patient', body, withKey(key));
      const replay = await api().post('/patient', body, withKey(key));

      expect(first.status).toBe(201);
      expect(replay.status).toBe(201);
      expect(replay.body).toEqual(first.body);
      expect(replay.headers.get('location')).toBe(
        first.headers.get('location'),
      );
      expect(replay.headers.get('etag')).toBe(first.headers.get('etag'));
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(await patientsNamed(body.lastName)).toHaveLength(1);
      // One create: its attempt and its outcome, newest first.
      expect(
        (await auditRecordsFor(first.body.id))
          .filter((r) => r.resource.operation === 'create')
          .map((r) => r.outcome),
      ).toEqual([201, 'attempted']);
    });

    /** The stored Idempotency-Key records of an app, as the database holds them. */
    async function storedKeys(app: Stack['patientTests']) {
      const db = (await app.database.asPromise()).db!;
      return db.collection('idempotency_keys');
    }

    it('keeps no patient data in the stored outcome: only what the server added, the rest comes from the replay', async () => {
      const patient = samplePatient({ lastName: `Stored-${randomUUID()}` });
      const key = randomUUID();
      const created = await api().post('/patient', patient, withKey(key));
      const test = sampleTest();
      await api().post(`/patient/${created.body.id}/tests`, test, withKey(key));

      const stored = JSON.stringify(
        await (await storedKeys(stack.patientTests)).find({}).toArray(),
      );

      expect(stored).toContain(created.body.id);
      for (const value of [
        patient.firstName,
        patient.lastName,
        patient.insuranceNumber,
        patient.dateOfBirth,
        test.orderReference,
        test.observations[0].measurement,
      ]) {
        expect({ value, stored: stored.includes(value) }).toEqual({
          value,
          stored: false,
        });
      }
    });

    it('never replays an expired key, even while the database still holds it (Cosmos DB, FerretDB)', async () => {
      const body = samplePatient({ lastName: `Expired-${randomUUID()}` });
      const key = randomUUID();
      const first = await api().post('/patient', body, withKey(key));
      await (
        await storedKeys(stack.patientTests)
      ).updateMany({}, { $set: { expiresAt: new Date(Date.now() - 1000) } });

      const after = await api().post('/patient', body, withKey(key));

      expect(after.status).toBe(201);
      expect(after.headers.get('idempotent-replayed')).toBeNull();
      expect(after.body.id).not.toBe(first.body.id);
    });

    it('answers 422 when the same key comes with a different body', async () => {
      const key = randomUUID();
      expect(
        (await api().post('/patient', samplePatient(), withKey(key))).status,
      ).toBe(201);
      const reused = await api().post(
        '/patient',
        samplePatient({ firstName: 'Grace' }),
        withKey(key),
      );
      expect(reused.status).toBe(422);
      expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });

    it('turns 50 concurrent replays of one create into exactly one patient and one audited create', async () => {
      const body = samplePatient({ lastName: `Concurrent-${randomUUID()}` });
      const key = randomUUID();

      const responses = await Promise.all(
        Array.from({ length: 50 }, () =>
          api().post('/patient', body, withKey(key)),
        ),
      );

      const statuses = new Set(responses.map((r) => r.status));
      expect(
        [...statuses].every((status) => status === 201 || status === 409),
      ).toBe(true);
      const created = responses.filter((r) => r.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
      for (const conflict of responses.filter((r) => r.status === 409)) {
        expect(conflict.body.code).toBe('IDEMPOTENCY_KEY_IN_FLIGHT');
        expect(conflict.headers.get('retry-after')).toBe('1');
      }
      const patients = await patientsNamed(body.lastName);
      expect(patients).toHaveLength(1);
      expect(
        (await auditRecordsFor(patients[0].id))
          .filter((r) => r.resource.operation === 'create')
          .map((r) => r.outcome),
      ).toEqual([201, 'attempted']);
    });

    it('releases the key of a request that failed, so a corrected retry can use it', async () => {
      const key = randomUUID();
      expect(
        (
          await api().post(
            '/patient',
            { ...samplePatient(), gender: 'n/a' },
            withKey(key),
          )
        ).status,
      ).toBe(400);
      expect(
        (await api().post('/patient', samplePatient(), withKey(key))).status,
      ).toBe(201);
    });

    it('scopes keys to the route: the same key on another route is a new request', async () => {
      const key = randomUUID();
      const patient = (
        await api().post('/patient', samplePatient(), withKey(key))
      ).body;
      const test = await api().post(
        `/patient/${patient.id}/tests`,
        sampleTest(),
        withKey(key),
      );
      expect(test.status).toBe(201);
      const replay = await api().post(
        `/patient/${patient.id}/tests`,
        sampleTest(),
        withKey(key),
      );
      expect(replay.status).toBe(422);
    });

    it('replays test creates and audit record creates too', async () => {
      const patient = (await api().post('/patient', samplePatient())).body;
      const body = sampleTest();
      const key = randomUUID();
      const first = await api().post(
        `/patient/${patient.id}/tests`,
        body,
        withKey(key),
      );
      const again = await api().post(
        `/patient/${patient.id}/tests`,
        body,
        withKey(key),
      );
      expect(again.body).toEqual(first.body);
      expect(
        (await api().get(`/patient/${patient.id}/tests`)).body,
      ).toHaveLength(1);

      const record = {
        sourceSystemName: 'retrying-client',
        resource: { type: 'patient', operation: 'read' },
        patientIds: [patient.id],
        outcome: 200,
      };
      const auditKey = randomUUID();
      const stored = await stack.audit.appender.post(
        '/auditrecord',
        record,
        withKey(auditKey),
      );
      const replayed = await stack.audit.appender.post(
        '/auditrecord',
        record,
        withKey(auditKey),
      );
      expect(replayed.status).toBe(201);
      expect(replayed.body).toEqual(stored.body);
    });

    it('accepts the key as a quoted Structured Fields string and rejects one over 255 characters', async () => {
      const key = randomUUID();
      const body = samplePatient();
      const quoted = await api().post('/patient', body, withKey(`"${key}"`));
      const bare = await api().post('/patient', body, withKey(key));
      expect(bare.body.id).toBe(quoted.body.id);
      expect(
        (
          await api().post(
            '/patient',
            samplePatient(),
            withKey('k'.repeat(256)),
          )
        ).status,
      ).toBe(400);
    });
  });

  describe('ETag and If-Match on patients', () => {
    it('returns an ETag on create, read and update, and a new one after each write', async () => {
      const created = await api().post('/patient', samplePatient());
      const read = await api().get(`/patient/${created.body.id}`);
      const updated = await api().put(
        `/patient/${created.body.id}`,
        read.body,
        {
          headers: { 'if-match': read.headers.get('etag')! },
        },
      );

      expect(created.headers.get('etag')).toMatch(/^"\d+"$/);
      expect(read.headers.get('etag')).toBe(created.headers.get('etag'));
      expect(updated.status).toBe(200);
      expect(updated.headers.get('etag')).not.toBe(read.headers.get('etag'));
    });

    it('answers 412 for a stale If-Match and changes nothing', async () => {
      const created = await api().post('/patient', samplePatient());
      const etag = created.headers.get('etag')!;
      expect(
        (
          await api().put(
            `/patient/${created.body.id}`,
            samplePatient({ postCode: '1111' }),
            { headers: { 'if-match': etag } },
          )
        ).status,
      ).toBe(200);

      const stale = await api().put(
        `/patient/${created.body.id}`,
        samplePatient({ postCode: '2222' }),
        {
          headers: { 'if-match': etag },
        },
      );

      expect(stale.status).toBe(412);
      expect(stale.body.code).toBe('PRECONDITION_FAILED');
      expect(
        (await api().get(`/patient/${created.body.id}`)).body.postCode,
      ).toBe('1111');
    });

    it('lets exactly one of 20 concurrent PUTs with the same If-Match win, without a lost update', async () => {
      const created = await api().post('/patient', samplePatient());
      const etag = created.headers.get('etag')!;
      const postCodes = Array.from({ length: 20 }, (_, i) => String(3000 + i));

      const responses = await Promise.all(
        postCodes.map((postCode) =>
          api().put(
            `/patient/${created.body.id}`,
            samplePatient({ postCode }),
            { headers: { 'if-match': etag } },
          ),
        ),
      );

      const winners = responses.filter((r) => r.status === 200);
      expect(winners).toHaveLength(1);
      expect(responses.filter((r) => r.status === 412)).toHaveLength(19);
      const stored = await api().get(`/patient/${created.body.id}`);
      expect(stored.body.postCode).toBe(winners[0].body.postCode);
      expect(stored.headers.get('etag')).toBe(winners[0].headers.get('etag'));
    });

    it('accepts a PUT without If-Match (the seed clients send none) and with If-Match: *', async () => {
      const created = await api().post('/patient', samplePatient());
      expect(
        (await api().put(`/patient/${created.body.id}`, samplePatient()))
          .status,
      ).toBe(200);
      expect(
        (
          await api().put(`/patient/${created.body.id}`, samplePatient(), {
            headers: { 'if-match': '*' },
          })
        ).status,
      ).toBe(200);
    });

    it('never matches a weak or foreign entity tag, and answers 404 before 412 for an unknown patient', async () => {
      const created = await api().post('/patient', samplePatient());
      const weak = `W/${created.headers.get('etag')}`;
      expect(
        (
          await api().put(`/patient/${created.body.id}`, samplePatient(), {
            headers: { 'if-match': weak },
          })
        ).status,
      ).toBe(412);
      expect(
        (
          await api().put(`/patient/${created.body.id}`, samplePatient(), {
            headers: { 'if-match': '"abc"' },
          })
        ).status,
      ).toBe(412);
      expect(
        (
          await api().put(`/patient/${randomUUID()}`, samplePatient(), {
            headers: { 'if-match': '"1"' },
          })
        ).status,
      ).toBe(404);
    });
  });
});
