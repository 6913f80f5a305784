import { randomUUID } from 'node:crypto';
import type { Document } from 'mongodb';
import { databaseUri } from './support/databases';
import { RunningAudit, startAudit, uniqueDatabase } from './support/stack';

type RunningApp = RunningAudit;
import { ThrottlingProxy } from './support/throttling-proxy';

const body = (n: number) => ({
  sourceSystemName: 'append-test',
  resource: { type: 'patient', id: `p-${n}`, operation: 'read' },
  patientIds: [`p-${n}`],
  outcome: 200,
});

const budget = (ms: number) => ({
  headers: { 'x-request-budget-ms': `${ms}` },
});

/** Every stored record's sequence and id, read straight from the database. */
async function storedRecords(app: RunningApp) {
  const db = (await app.database.asPromise()).db!;
  return db
    .collection<Document>('audits')
    .find({}, { projection: { _id: 1, recordId: 1 } })
    .toArray();
}

async function verify(app: RunningApp) {
  const response = await app.client.get('/auditrecord/verify');
  expect(response.status).toBe(200);
  return response.body as { valid: boolean; checked: number };
}

describe('appending to the audit register', () => {
  describe('with two app instances and 200 concurrent appends', () => {
    let first: RunningApp;
    let second: RunningApp;

    beforeAll(async () => {
      const database = uniqueDatabase('e2e-append');
      first = await startAudit({ MONGODB_DATABASE: database });
      second = await startAudit({ MONGODB_DATABASE: database });
    });

    afterAll(async () => {
      await first.close();
      await second.app.close();
    });

    it('stores exactly the acknowledged records, each once, in one valid chain without gaps', async () => {
      // A quarter of the callers give up almost at once: their appends must leave nothing behind.
      const responses = await Promise.all(
        Array.from({ length: 200 }, (_, n) =>
          (n % 2 === 0 ? first : second).appender.post(
            '/auditrecord',
            body(n),
            budget(n % 4 === 3 ? 1 : 10_000),
          ),
        ),
      );
      const acknowledged = responses.filter((r) => r.status === 201);
      const refused = responses.filter((r) => r.status !== 201);
      expect(refused.map((r) => r.status)).toEqual(
        Array(refused.length).fill(503),
      );
      expect(acknowledged.length).toBeGreaterThanOrEqual(150);

      const stored = await storedRecords(first);
      expect(stored.map((doc) => doc.recordId).sort()).toEqual(
        acknowledged.map((r) => r.body.id as string).sort(),
      );
      expect(
        stored.map((doc) => Number(doc._id)).sort((a, b) => a - b),
      ).toEqual(Array.from({ length: acknowledged.length }, (_, i) => i + 1));
      expect(await verify(second)).toEqual(
        expect.objectContaining({ valid: true, checked: acknowledged.length }),
      );
    });

    it('continues one chain when the instances take turns', async () => {
      const before = (await storedRecords(first)).length;
      for (let n = 0; n < 6; n++) {
        const app = n % 2 === 0 ? first : second;
        const response = await app.appender.post('/auditrecord', body(n));
        expect(response.status).toBe(201);
        expect(response.body.sequence).toBe(before + n + 1);
      }
      expect((await verify(first)).valid).toBe(true);
    });
  });

  describe("when the caller's deadline passes", () => {
    let proxy: ThrottlingProxy;
    let audit: RunningApp;

    beforeAll(async () => {
      proxy = new ThrottlingProxy(databaseUri('audit'), 0);
      await proxy.start();
      audit = await startAudit({ MONGODB_URI: proxy.uri });
    });

    afterAll(async () => {
      await audit.close();
      await proxy.stop();
    });

    it('answers 503 without writing when the budget is already spent on arrival', async () => {
      const before = (await storedRecords(audit)).length;

      const response = await audit.appender.post(
        '/auditrecord',
        body(1),
        budget(0),
      );

      expect(response.status).toBe(503);
      expect(response.body.code).toBe('AUDIT_DEADLINE_EXCEEDED');
      expect(response.headers.get('retry-after')).toBe('1');
      expect(await storedRecords(audit)).toHaveLength(before);
    });

    it('answers 503 at the deadline for an append still waiting behind a slow write, and never writes it', async () => {
      proxy.delayMs = 800;
      try {
        const slow = audit.appender.post(
          '/auditrecord',
          body(1),
          budget(10_000),
        );
        // Queued behind the slow write, with a budget that ends long before that write does.
        await new Promise((resolve) => setTimeout(resolve, 100));
        const started = Date.now();
        const hurried = await audit.appender.post(
          '/auditrecord',
          body(2),
          budget(200),
        );
        const waited = Date.now() - started;

        expect(hurried.status).toBe(503);
        expect(hurried.body.code).toBe('AUDIT_DEADLINE_EXCEEDED');
        expect(waited).toBeLessThan(800);
        const written = await slow;
        expect(written.status).toBe(201);
      } finally {
        proxy.delayMs = 0;
      }
      // Give a write that should not exist every chance to land before looking.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const listed = await audit.client.get('/auditrecord?resourceId=p-2');
      expect(listed.status).toBe(200);
      expect(listed.body).toEqual([]);
    });
  });

  describe('the commands an append sends to the database', () => {
    let proxy: ThrottlingProxy;
    let audit: RunningApp;

    beforeAll(async () => {
      proxy = new ThrottlingProxy(databaseUri('audit'), 0);
      await proxy.start();
      audit = await startAudit({ MONGODB_URI: proxy.uri });
      // The register's first append also writes the head hint; what follows is the steady state.
      expect((await audit.appender.post('/auditrecord', body(0))).status).toBe(
        201,
      );
    });

    afterAll(async () => {
      await audit.close();
      await proxy.stop();
    });

    it('never sort or scan, and name the shard key in every query, keyed or not, alone or concurrent', async () => {
      proxy.commands = [];
      for (let n = 1; n <= 5; n++) {
        const headers =
          n % 2 === 0 ? { headers: { 'idempotency-key': randomUUID() } } : {};
        expect(
          (await audit.appender.post('/auditrecord', body(n), headers)).status,
        ).toBe(201);
      }
      const concurrent = await Promise.all(
        Array.from({ length: 40 }, (_, n) =>
          audit.appender.post('/auditrecord', body(n), {
            headers: { 'idempotency-key': randomUUID() },
          }),
        ),
      );
      expect(concurrent.map((r) => r.status)).toEqual(Array(40).fill(201));
      const commands = proxy.commands;
      proxy.commands = undefined;

      expect(commands.length).toBeGreaterThan(0);
      for (const command of commands) {
        expect(command).not.toHaveProperty('sort');
        const filters = [
          command.filter,
          ...((command.updates ?? command.deletes ?? []) as Document[]).map(
            (statement) => statement.q,
          ),
        ].filter(Boolean) as Document[];
        for (const filter of filters) {
          expect(filter).toHaveProperty('_shardKey');
        }
      }
      // Group commit: 45 appends took far fewer writes than one per append.
      const inserts = commands.filter((command) => 'insert' in command);
      expect(inserts.filter((c) => c.insert === 'audits').length).toBeLessThan(
        45,
      );
    });
  });
});
