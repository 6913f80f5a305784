import { mongo } from 'mongoose';
import { MongoDbUri } from '@app/shared/key-vault';
import { AuditConfig } from '../../apps/audit/src/config/audit.config';
import { samplePatient } from '../support/samples';
import { startStack } from './support/stack';

type Stack = Awaited<ReturnType<typeof startStack>>;

/** MongoDB's "Unauthorized" and "AuthenticationFailed". */
const REFUSED = [13, 18];

/** Runs `operation` with a client of `uri`, closing it whatever happens. */
async function withClient<T>(
  uri: string,
  operation: (client: mongo.MongoClient) => Promise<T>,
): Promise<T> {
  const client = new mongo.MongoClient(uri, {
    serverSelectionTimeoutMS: 5000,
  });
  try {
    return await operation(client);
  } finally {
    await client.close();
  }
}

/** The error code `attempt` failed with, or a failure of the test if it succeeded. */
async function refusal(attempt: () => Promise<unknown>): Promise<number> {
  try {
    await attempt();
  } catch (error) {
    if (error instanceof mongo.MongoServerError) {
      return error.code as number;
    }
    throw error;
  }
  throw new Error(
    'the audit store served a client holding patient-tests’ credential',
  );
}

describe("separation of duties: patient-tests' database credential", () => {
  let stack: Stack;
  // Exactly what the stack configured each app with.
  let patientTestsUri: string;
  let auditUri: string;
  let auditDatabase: string;
  let auditCollections: string[];

  const register = async () => {
    const listed = await stack.audit.client.get('/auditrecord?limit=200');
    expect(listed.status).toBe(200);
    return listed.body as { id: string }[];
  };

  beforeAll(async () => {
    stack = await startStack();
    patientTestsUri = stack.patientTests.app.get(MongoDbUri).current();
    auditUri = stack.audit.app.get(MongoDbUri).current();
    auditDatabase = stack.audit.app.get(AuditConfig).MONGODB_DATABASE;
    // Records exist before the attempts, so "nothing read" means something.
    expect(
      (await stack.patientTests.client.post('/patient', samplePatient()))
        .status,
    ).toBe(201);
    auditCollections = (await stack.audit.database.listCollections()).map(
      (collection) => collection.name,
    );
    // Through audit's own connection, its data is there to be seen (read, not counted: FerretDB
    // lacks the aggregation countDocuments uses).
    expect(stack.audit.database.name).toBe(auditDatabase);
    const stored = await Promise.all(
      auditCollections.map(
        async (name) =>
          (await stack.audit.database.collection(name).find({}).toArray())
            .length,
      ),
    );
    expect(stored.some((count) => count > 0)).toBe(true);
  });

  afterAll(() => stack?.close());

  it('is not the connection string audit was given', () => {
    if (patientTestsUri === auditUri) {
      throw new Error(
        'patient-tests and audit were given the same connection string (with MONGODB_URI set, set ' +
          "AUDIT_MONGODB_URI to a credential of audit's own)",
      );
    }
    expect(auditCollections.length).toBeGreaterThan(0);
  });

  it('is refused by the audit store, for reading and for writing', async () => {
    // patient-tests' user and password, presented at the audit store's address.
    const stolen = new URL(auditUri);
    const own = new URL(patientTestsUri);
    stolen.username = own.username;
    stolen.password = own.password;
    const before = await register();

    await withClient(stolen.toString(), async (client) => {
      for (const name of auditCollections) {
        const collection = client.db(auditDatabase).collection(name);
        expect(REFUSED).toContain(await refusal(() => collection.findOne({})));
        expect(REFUSED).toContain(
          await refusal(() => collection.insertOne({ forged: true })),
        );
        expect(REFUSED).toContain(
          await refusal(() => collection.deleteMany({})),
        );
      }
    });

    expect(await register()).toEqual(before);
  });

  it('reaches no audit data through its own connection, and nothing it writes there reaches the register', async () => {
    const before = await register();
    expect(before.length).toBeGreaterThan(0);

    await withClient(patientTestsUri, async (client) => {
      const seen = client.db(auditDatabase);
      try {
        for (const name of auditCollections) {
          expect(await seen.collection(name).find({}).toArray()).toEqual([]);
          await seen.collection(name).insertOne({ forged: true });
          await seen.collection(name).deleteMany({ forged: { $ne: true } });
        }
      } finally {
        await seen.dropDatabase();
      }
    });

    expect(await register()).toEqual(before);
    for (const name of auditCollections) {
      expect(
        await stack.audit.database.collection(name).findOne({ forged: true }),
      ).toBeNull();
    }
    expect(
      (await stack.audit.client.get('/auditrecord/verify')).body,
    ).toMatchObject({ valid: true });
  });
});
