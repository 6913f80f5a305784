import { createPublicKey, JsonWebKey, verify } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Environment } from '@app/shared/config';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../apps/audit/src/app.module';
import { canonicalJson } from '@app/shared/json';
import { AUDIT_API } from '../../apps/audit/src/create-audit-app';
import { CheckpointSigner } from '../../apps/audit/src/chain/checkpoint-signer';
import { KeyVaultCheckpointSigner } from '../../apps/audit/src/chain/key-vault-checkpoint-signer';
import { runAuditVerify } from './support/audit-verify-command';
import { eventually } from './support/key-vault-stack';
import { KeyVaultDouble, stubCredential } from './support/key-vault-double';
import {
  AUDIT_KEY,
  AUDIT_READER_KEY,
  databaseUri,
  RunningApp,
  serve,
  uniqueDatabase,
} from './support/stack';
import { rewriteFrom, truncateFrom } from './support/tamper';

/**
 * The audit app configured with CHECKPOINT_KEY_ID and CHECKPOINT_DIR; only the credential differs
 * from production (the stub instead of the managed identity), and the double's certificate is trusted.
 */
async function startAuditWithCheckpoints(
  vault: KeyVaultDouble,
  keyId: string,
  dir: string,
  database = uniqueDatabase('e2e-checkpoints'),
  overrides: Record<string, string> = {},
): Promise<RunningApp> {
  const env = {
    MONGODB_URI: databaseUri('audit'),
    MONGODB_DATABASE: database,
    API_KEYS: AUDIT_KEY,
    AUDIT_READER_KEYS: AUDIT_READER_KEY,
    LOG_LEVEL: 'silent',
    CHECKPOINT_KEY_ID: keyId,
    CHECKPOINT_DIR: dir,
    ...overrides,
  };
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(Environment)
    .useValue(env)
    .overrideProvider(CheckpointSigner)
    .useValue(
      new KeyVaultCheckpointSigner(
        keyId,
        () => Promise.resolve(stubCredential),
        vault.clientOptions(),
      ),
    )
    .compile();
  return serve(moduleRef, AUDIT_API, {
    'x-functions-key': AUDIT_READER_KEY,
  });
}

async function append(app: RunningApp, count: number) {
  for (let n = 0; n < count; n++) {
    const response = await app.client
      .with({ 'x-functions-key': AUDIT_KEY })
      .post('/auditrecord', {
        sourceSystemName: 'checkpoint-test',
        resource: { type: 'patient', id: `p-${n}`, operation: 'read' },
        patientIds: [`p-${n}`],
        outcome: 200,
      });
    expect(response.status).toBe(201);
  }
}

async function checkpoint(app: RunningApp) {
  const response = await app.client.post('/auditrecord/checkpoints');
  expect(response.status).toBe(201);
  return response.body;
}

async function verifyChain(app: RunningApp, query = '') {
  const response = await app.client.get(`/auditrecord/verify${query}`);
  expect(response.status).toBe(200);
  return response.body;
}

describe('signed checkpoints of the audit chain (Key Vault protocol double, real CryptographyClient)', () => {
  let vault: KeyVaultDouble;
  let keys = 0;
  // A key per test, so the vault's signature count is this test's own.
  let KEY_NAME: string;
  let keyId: string;
  let work: string;
  let dir: string;
  let publicKeyFile: string;
  let app: RunningApp;

  beforeAll(async () => {
    vault = await KeyVaultDouble.start();
  });

  afterAll(() => vault.close());

  beforeEach(async () => {
    KEY_NAME = `audit-checkpoint-${++keys}`;
    keyId = vault.createKey(KEY_NAME);
    work = mkdtempSync(join(tmpdir(), 'e2e-checkpoints-'));
    dir = join(work, 'checkpoints');
    publicKeyFile = join(work, 'checkpoint-key.jwk.json');
    writeFileSync(publicKeyFile, JSON.stringify(vault.publicJwk(KEY_NAME)));
    app = await startAuditWithCheckpoints(vault, keyId, dir);
  });

  afterEach(async () => {
    await app.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** The auditor's command on a fresh export of the chain (fetched with the reader key). */
  const auditorVerify = () =>
    runAuditVerify(
      [
        '--records',
        app.url,
        '--checkpoints',
        dir,
        '--public-key',
        publicKeyFile,
        '--save',
        join(work, 'export.ndjson'),
      ],
      { AUDIT_READER_KEY },
    );

  it('signs the head in the vault and stores a checkpoint that the public key alone verifies', async () => {
    await append(app, 3);
    const head = (await verifyChain(app)).head;

    const signed = await checkpoint(app);

    expect(vault.signatures.get(KEY_NAME)).toBe(1);
    expect(signed).toEqual({
      sequence: 3,
      hash: head.hash,
      createdDate: expect.any(String),
      algorithm: 'ES256',
      keyId: expect.stringMatching(
        new RegExp(`^${keyId.replace(/[.]/g, '\\.')}/[0-9a-f]{32}$`),
      ),
      signature: expect.stringMatching(/^[A-Za-z0-9_-]{86}$/),
    });
    const payload = canonicalJson({
      type: 'audit-checkpoint',
      sequence: signed.sequence,
      hash: signed.hash,
      createdDate: signed.createdDate,
    });
    expect(
      verify(
        'sha256',
        Buffer.from(payload),
        {
          key: createPublicKey({
            key: vault.publicJwk(KEY_NAME) as JsonWebKey,
            format: 'jwk',
          }),
          dsaEncoding: 'ieee-p1363',
        },
        Buffer.from(signed.signature, 'base64url'),
      ),
    ).toBe(true);
    expect(
      (await app.client.get('/auditrecord/checkpoints/latest')).body,
    ).toEqual(signed);
    expect(await verifyChain(app)).toMatchObject({
      valid: true,
      checkpoint: { sequence: 3, keyId: signed.keyId },
    });
  });

  it('answers the newest checkpoint again, without signing, while the head has not moved', async () => {
    await append(app, 2);
    const first = await checkpoint(app);
    expect(await checkpoint(app)).toEqual(first);
    expect(vault.signatures.get(KEY_NAME)).toBe(1);
    expect(
      readdirSync(dir).filter((name) => name.endsWith('.json')),
    ).toHaveLength(1);
  });

  it('keeps old checkpoints checkable after the key is rotated', async () => {
    await append(app, 2);
    const before = await checkpoint(app);
    vault.createKey(KEY_NAME);
    await append(app, 2);
    const after = await checkpoint(app);

    expect(after.keyId).not.toBe(before.keyId);
    expect(await verifyChain(app)).toMatchObject({
      valid: true,
      checkpoint: { sequence: 4, keyId: after.keyId },
    });
  });

  it('passes an intact chain with the auditor command too', async () => {
    await append(app, 4);
    await checkpoint(app);

    const result = await auditorVerify();

    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('RESULT: VALID');
    expect(result.stdout).toContain('4 records intact');
    expect(result.code).toBe(0);
  });

  it('detects the newest records removed, where they start, in verify and in the auditor command', async () => {
    await append(app, 8);
    await checkpoint(app);
    await truncateFrom(app, 6);

    expect(await verifyChain(app)).toMatchObject({
      valid: false,
      checked: 5,
      firstInvalidSequence: 6,
      reason: 'truncated',
      head: { sequence: 5 },
      checkpoint: { sequence: 8 },
    });
    const result = await auditorVerify();
    expect(result.stdout).toContain(
      'RESULT: INVALID from sequence 6: records removed',
    );
    expect(result.code).toBe(1);
  });

  it('finds where the newest records were removed also when the head hint was left behind', async () => {
    await append(app, 8);
    await checkpoint(app);
    await truncateFrom(app, 6, { hint: false });

    // Whether the stale hint has reached the removed records decides how it shows; either way at 6.
    const result = await verifyChain(app);
    expect(result).toMatchObject({ valid: false, firstInvalidSequence: 6 });
    expect(['record-missing', 'truncated']).toContain(result.reason);
    const command = await auditorVerify();
    expect(command.stdout).toContain(
      'RESULT: INVALID from sequence 6: records removed',
    );
    expect(command.code).toBe(1);
  });

  it('detects a rewrite with recomputed hashes, from the record after the last matching checkpoint, in verify and in the auditor command', async () => {
    await append(app, 5);
    await checkpoint(app);
    await append(app, 5);
    await checkpoint(app);
    await rewriteFrom(app, 6);

    const result = await verifyChain(app);
    expect(result).toMatchObject({
      valid: false,
      checked: 10,
      firstInvalidSequence: 6,
      reason: 'rewritten',
      checkpoint: { sequence: 10 },
    });
    const command = await auditorVerify();
    expect(command.stdout).toContain(
      'RESULT: INVALID from sequence 6: chain rewritten',
    );
    expect(command.code).toBe(1);
  });

  it('detects a rewrite of the whole chain from sequence 1', async () => {
    await append(app, 4);
    await checkpoint(app);
    await rewriteFrom(app, 1);

    expect(await verifyChain(app)).toMatchObject({
      valid: false,
      firstInvalidSequence: 1,
      reason: 'rewritten',
    });
    const command = await auditorVerify();
    expect(command.stdout).toContain('RESULT: INVALID from sequence 1');
    expect(command.code).toBe(1);
  });

  it('refuses to sign a chain that no longer matches its checkpoints, so a new checkpoint cannot hide a truncation', async () => {
    await append(app, 6);
    await checkpoint(app);
    await truncateFrom(app, 4);
    await append(app, 1);

    const response = await app.client.post('/auditrecord/checkpoints');

    expect(response.status).toBe(409);
    expect(response.body.code).toBe('CHAIN_INCONSISTENT');
    expect(vault.signatures.get(KEY_NAME)).toBe(1);
  });

  it('ignores and reports a checkpoint someone wrote into the store without the key', async () => {
    await append(app, 3);
    const real = await checkpoint(app);
    const forged = { ...real, sequence: 50, hash: 'f'.repeat(64) };
    writeFileSync(
      join(
        dir,
        `${String(Number.MAX_SAFE_INTEGER - 50).padStart(16, '0')}-50.json`,
      ),
      JSON.stringify(forged),
    );

    expect(await verifyChain(app)).toMatchObject({
      valid: false,
      reason: 'checkpoint-rejected',
      rejectedCheckpoints: 1,
      checkpoint: { sequence: 3 },
    });
  });

  it('lets two instances checkpoint the same store at once without replacing each other', async () => {
    const database = (await app.database.asPromise()).db!.databaseName;
    const second = await startAuditWithCheckpoints(vault, keyId, dir, database);
    try {
      await append(app, 3);
      const both = await Promise.all([
        app.client.post('/auditrecord/checkpoints'),
        second.client.post('/auditrecord/checkpoints'),
      ]);
      expect(both.map((r) => r.status)).toEqual([201, 201]);
      expect(both[0].body).toEqual(both[1].body);
      expect(
        readdirSync(dir).filter((name) => name.endsWith('.json')),
      ).toHaveLength(1);
      expect(await verifyChain(second)).toMatchObject({ valid: true });
    } finally {
      await second.app.close();
    }
  });

  it('signs the head on its own every CHECKPOINT_INTERVAL_SECONDS', async () => {
    const scheduledDir = join(work, 'scheduled');
    const scheduled = await startAuditWithCheckpoints(
      vault,
      keyId,
      scheduledDir,
      uniqueDatabase('e2e-checkpoints-scheduled'),
      { CHECKPOINT_INTERVAL_SECONDS: '1' },
    );
    try {
      await append(scheduled, 2);
      await eventually(async () => {
        const latest = await scheduled.client.get(
          '/auditrecord/checkpoints/latest',
        );
        expect(latest.body).toMatchObject({ sequence: 2 });
      }, 15000);
    } finally {
      await scheduled.close();
    }
  });

  it('answers 404 for the latest checkpoint before there is one, and 409 for a checkpoint of an empty register', async () => {
    expect(
      (await app.client.get('/auditrecord/checkpoints/latest')).body.code,
    ).toBe('CHECKPOINT_NOT_FOUND');
    const response = await app.client.post('/auditrecord/checkpoints');
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('CHAIN_EMPTY');
  });
});
