import type { Collection, Document } from 'mongodb';
import { RunningAudit, startAudit, uniqueDatabase } from './support/stack';

type RunningApp = RunningAudit;

const body = (n: number) => ({
  sourceSystemName: 'chain-test',
  resource: { type: 'patient', id: `p-${n}`, operation: 'read' },
  patientIds: [`p-${n}`, `p-${n + 100}`],
  outcome: 200,
});

/** The stored audit documents, for tampering the way someone with database access would. */
async function auditsOf(app: RunningApp): Promise<Collection<Document>> {
  const db = (await app.database.asPromise()).db!;
  return db.collection<Document>('audits');
}

async function verify(app: RunningApp, query = '') {
  const response = await app.client.get(`/auditrecord/verify${query}`);
  expect(response.status).toBe(200);
  return response.body as {
    valid: boolean;
    checked: number;
    firstInvalidSequence?: number;
    head: { sequence: number };
  };
}

async function appendMany(app: RunningApp, count: number) {
  for (let n = 1; n <= count; n++) {
    expect((await app.appender.post('/auditrecord', body(n))).status).toBe(201);
  }
}

describe('the audit hash chain', () => {
  describe('with two app instances appending at once', () => {
    let first: RunningApp;
    let second: RunningApp;

    beforeAll(async () => {
      const database = uniqueDatabase('e2e-chain');
      first = await startAudit({ MONGODB_DATABASE: database });
      second = await startAudit({ MONGODB_DATABASE: database });
    });

    afterAll(async () => {
      await first.close();
      await second.app.close();
    });

    it('gives 60 concurrent appends 60 distinct consecutive sequences and a valid chain', async () => {
      const responses = await Promise.all(
        Array.from({ length: 60 }, (_, n) =>
          (n % 2 === 0 ? first : second).appender.post('/auditrecord', body(n)),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(60).fill(201));
      const sequences = responses
        .map((r) => r.body.sequence as number)
        .sort((a, b) => a - b);
      expect(sequences).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));

      expect(await verify(first)).toEqual({
        valid: true,
        checked: 60,
        head: { sequence: 60, hash: expect.any(String) },
      });
    });

    it('links each record to its predecessor by hash', async () => {
      const page = await first.client.get('/auditrecord?limit=3');
      const [newest, middle, oldest] = page.body;
      expect(newest.previousHash).toBe(middle.hash);
      expect(middle.previousHash).toBe(oldest.hash);
    });
  });

  describe('after tampering in the database', () => {
    let app: RunningApp;

    beforeEach(async () => {
      app = await startAudit();
      await appendMany(app, 8);
    });

    afterEach(() => app.close());

    it('stays valid when nothing was touched', async () => {
      expect(await verify(app)).toMatchObject({ valid: true, checked: 8 });
    });

    it('finds a modified record at its sequence', async () => {
      await (
        await auditsOf(app)
      ).updateOne({ _id: 5 } as Document, {
        $set: { 'resource.operation': 'delete' },
      });
      expect(await verify(app)).toMatchObject({
        valid: false,
        firstInvalidSequence: 5,
        checked: 4,
      });
    });

    it.each([
      ['a patient removed from', { patientIds: ['p-5'] }],
      ['another outcome in', { outcome: 404 }],
    ])('finds %s a record at its sequence', async (_what, change) => {
      await (
        await auditsOf(app)
      ).updateOne({ _id: 5 } as Document, { $set: change });
      expect(await verify(app)).toMatchObject({
        valid: false,
        firstInvalidSequence: 5,
        checked: 4,
      });
    });

    it('finds a deleted record at its sequence', async () => {
      await (await auditsOf(app)).deleteOne({ _id: 3 } as Document);
      expect(await verify(app)).toMatchObject({
        valid: false,
        firstInvalidSequence: 3,
      });
    });

    it('finds a record inserted into the middle, where the renumbered records no longer fit', async () => {
      const audits = await auditsOf(app);
      const tail = await audits
        .find({ _id: { $gte: 4 } } as Document)
        .sort({ _id: -1 })
        .toArray();
      for (const doc of tail) {
        await audits.deleteOne({ _id: doc._id });
        const moved = Number(doc._id) + 1;
        await audits.insertOne({
          ...doc,
          _id: moved,
          _shardKey: String(moved),
        } as Document);
      }
      const previous = await audits.findOne({ _id: 3 } as Document);
      // A forged record that fits its predecessor perfectly (the forger can hash too).
      const forged = (await app.appender.post('/auditrecord', body(99))).body;
      await audits.deleteOne({ _id: forged.sequence });
      await audits.insertOne({
        ...(await audits.findOne({ _id: 1 } as Document)),
        _id: 4,
        _shardKey: '4',
        previousHash: previous!.hash,
      } as Document);

      const result = await verify(app);
      expect(result.valid).toBe(false);
      expect(result.firstInvalidSequence).toBe(4);
    });

    it('finds two swapped records at the first of them', async () => {
      const audits = await auditsOf(app);
      const six = (await audits.findOne({ _id: 6 } as Document))!;
      const seven = (await audits.findOne({ _id: 7 } as Document))!;
      const { _id: _six, _shardKey: _s6, ...sixContent } = six;
      const { _id: _seven, _shardKey: _s7, ...sevenContent } = seven;
      await audits.replaceOne({ _id: 6 } as Document, sevenContent);
      await audits.replaceOne({ _id: 7 } as Document, sixContent);
      expect(await verify(app)).toMatchObject({
        valid: false,
        firstInvalidSequence: 6,
      });
    });

    it('checks only the requested range', async () => {
      await (
        await auditsOf(app)
      ).updateOne({ _id: 7 } as Document, {
        $set: { correlationId: 'f'.repeat(32) },
      });
      expect(await verify(app, '?from=2&to=6')).toMatchObject({
        valid: true,
        checked: 5,
      });
      expect(await verify(app, '?from=6')).toMatchObject({
        valid: false,
        firstInvalidSequence: 7,
      });
    });

    it('answers valid with nothing checked for a range beyond the head, never a false alarm', async () => {
      expect(await verify(app, '?from=9')).toEqual({
        valid: true,
        checked: 0,
        head: { sequence: 8, hash: expect.any(String) },
      });
      expect(await verify(app, '?from=20&to=30')).toMatchObject({
        valid: true,
        checked: 0,
      });
    });

    it('answers 400 for a range that ends before it starts', async () => {
      const response = await app.client.get('/auditrecord/verify?from=5&to=4');
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        { path: 'to', message: 'must not be below from' },
      ]);
    });

    it('answers 400 for a range that is not sequence numbers', async () => {
      expect((await app.client.get('/auditrecord/verify?from=0')).status).toBe(
        400,
      );
      expect((await app.client.get('/auditrecord/verify?to=abc')).status).toBe(
        400,
      );
    });
  });
});
