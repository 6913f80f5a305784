import { createServer, Server } from 'node:http';
import { freePort } from '../../scripts/lib/processes.cjs';
import { samplePatient, sampleTest } from '../support/samples';
import {
  HOST_KINDS,
  HostedApp,
  HostKind,
  startPatientTestsOn,
} from './support/hosts';
import { RunningAudit, startAudit, startPatientTests } from './support/stack';

/** An "audit API" that accepts connections but answers only after `delayMs`. */
function slowServer(delayMs: number): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => {
    setTimeout(() => response.writeHead(201).end('{}'), delayMs).unref();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${address.port}/api`, server });
    }),
  );
}

/**
 * An "audit API" that redirects every request to the real audit API at `target` with `status`, as a
 * misconfigured or hijacked endpoint would. It counts what it was sent.
 */
function redirectingServer(
  target: string,
  status: number,
): Promise<{ url: string; server: Server; requests: () => number }> {
  let requests = 0;
  const server = createServer((request, response) => {
    requests += 1;
    request.resume();
    response
      .writeHead(status, { location: `${target}${request.url!.slice(4)}` })
      .end();
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${address.port}/api`,
        server,
        requests: () => requests,
      });
    }),
  );
}

/** Documents stored, counted by reading them (FerretDB lacks the aggregation countDocuments uses). */
async function storedCounts(app: HostedApp) {
  // The connection is lazy: these apps may not have touched the database yet.
  const db = (await app.database.asPromise()).db!;
  const count = async (name: string) =>
    (await db.collection(name).find({}).toArray()).length;
  return { patients: await count('patients'), tests: await count('tests') };
}

/** Audit records stored, counted by reading them. */
async function auditRecordCount(audit: HostedApp) {
  const db = (await audit.database.asPromise()).db!;
  return (await db.collection('audits').find({}).toArray()).length;
}

describe.each(HOST_KINDS)(
  'patient-tests when the audit API fails, on the %s host',
  (kind: HostKind) => {
    describe('unreachable', () => {
      let app: HostedApp;

      beforeAll(async () => {
        app = await startPatientTestsOn(
          kind,
          `http://127.0.0.1:${await freePort()}/api`,
        );
      });

      afterAll(() => app.close());

      it('answers 503 problem+json with Retry-After and writes nothing, for every operation', async () => {
        const before = await storedCounts(app);
        const patientId = '6f1c8a0e-5d2b-4c7a-9b1e-2a3d4c5e6f70';
        const calls = [
          app.client.post('/patient', samplePatient()),
          app.client.get(`/patient/${patientId}`),
          app.client.put(`/patient/${patientId}`, samplePatient()),
          app.client.post('/patient/search', {}),
          app.client.post(`/patient/${patientId}/tests`, sampleTest()),
          app.client.get(`/patient/${patientId}/tests`),
          app.client.get(`/patient/${patientId}/tests/${patientId}`),
        ];
        for (const response of await Promise.all(calls)) {
          expect(response.status).toBe(503);
          expect(response.headers.get('content-type')).toContain(
            'application/problem+json',
          );
          expect(response.headers.get('retry-after')).toBe('5');
          expect(response.body.code).toBe('AUDIT_UNAVAILABLE');
          expect(JSON.stringify(response.body)).not.toMatch(
            /ECONNREFUSED|127\.0\.0\.1/,
          );
        }
        expect(await storedCounts(app)).toEqual(before);
      });
    });

    describe.each([301, 302, 307])(
      'answering %i to the real audit API',
      (status) => {
        let audit: RunningAudit;
        let redirect: Awaited<ReturnType<typeof redirectingServer>>;
        let app: HostedApp;

        beforeAll(async () => {
          audit = await startAudit();
          redirect = await redirectingServer(audit.url, status);
          app = await startPatientTestsOn(kind, redirect.url);
        });

        afterAll(async () => {
          await app.close();
          redirect.server.closeAllConnections();
          redirect.server.close();
          await audit.close();
        });

        it('answers 503 without following it: nothing written, nothing recorded, the key not sent on', async () => {
          const before = await storedCounts(app);
          const patientId = '6f1c8a0e-5d2b-4c7a-9b1e-2a3d4c5e6f70';
          const responses = [
            await app.client.post('/patient', samplePatient()),
            await app.client.get(`/patient/${patientId}`),
            await app.client.post('/patient/search', {}),
            await app.client.get(`/patient/${patientId}/tests`),
          ];

          expect(responses.map((r) => r.status)).toEqual([503, 503, 503, 503]);
          expect(responses[0].body.code).toBe('AUDIT_UNAVAILABLE');
          expect(redirect.requests()).toBe(responses.length);
          expect(await storedCounts(app)).toEqual(before);
          expect(await auditRecordCount(audit)).toBe(0);
          // The redirect's target would answer the same request with 201: it is reachable, just not asked.
          expect(
            (
              await audit.appender.post('/auditrecord', {
                sourceSystemName: 'probe',
                resource: { type: 'patient', operation: 'read' },
                patientIds: [],
                outcome: 200,
              })
            ).status,
          ).toBe(201);
        });
      },
    );

    describe('slower than AUDIT_TIMEOUT_MS', () => {
      let app: HostedApp;
      let slow: { url: string; server: Server };

      beforeAll(async () => {
        slow = await slowServer(5000);
        app = await startPatientTestsOn(kind, slow.url, {
          AUDIT_TIMEOUT_MS: '300',
        });
      });

      afterAll(async () => {
        await app.close();
        slow.server.closeAllConnections();
        slow.server.close();
      });

      it('answers 503 within the timeout and writes nothing', async () => {
        const before = await storedCounts(app);
        const started = Date.now();
        const response = await app.client.post('/patient', samplePatient());
        const elapsed = Date.now() - started;

        expect(response.status).toBe(503);
        expect(elapsed).toBeLessThan(2000);
        expect(await storedCounts(app)).toEqual(before);
      });
    });
  },
);

describe('patient-tests when audit goes away after data was stored', () => {
  it('answers 503 to every read of that data, though the read itself succeeded, and sends none of it', async () => {
    const audit = await startAudit();
    const patientTests = await startPatientTests(audit.url);
    try {
      const name = `Withheld-${Date.now()}`;
      const patient = (
        await patientTests.client.post(
          '/patient',
          samplePatient({ lastName: name }),
        )
      ).body;
      const test = (
        await patientTests.client.post(
          `/patient/${patient.id}/tests`,
          sampleTest(),
        )
      ).body;
      await audit.close();

      for (const response of [
        await patientTests.client.get(`/patient/${patient.id}`),
        await patientTests.client.post('/patient/search', { lastName: name }),
        await patientTests.client.get(`/patient/${patient.id}/tests`),
        await patientTests.client.get(
          `/patient/${patient.id}/tests/${test.id}`,
        ),
      ]) {
        expect(response.status).toBe(503);
        expect(response.body.code).toBe('AUDIT_UNAVAILABLE');
        const sent = JSON.stringify(response.body);
        expect(sent).not.toContain(name);
        expect(sent).not.toContain(patient.id);
        expect(sent).not.toContain(test.orderReference);
      }
    } finally {
      await patientTests.close();
      await audit.app.close().catch(() => undefined);
    }
  });
});
