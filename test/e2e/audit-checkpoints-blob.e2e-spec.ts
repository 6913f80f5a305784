import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContainerClient } from '@azure/storage-blob';
import { Environment } from '@app/shared/config';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../apps/audit/src/app.module';
import { BlobCheckpointStore } from '../../apps/audit/src/chain/blob-checkpoint-store';
import { checkpointName } from '../../apps/audit/src/chain/checkpoint';
import { CheckpointSigner } from '../../apps/audit/src/chain/checkpoint-signer';
import { CheckpointExistsError } from '../../apps/audit/src/chain/checkpoint-store';
import { KeyVaultCheckpointSigner } from '../../apps/audit/src/chain/key-vault-checkpoint-signer';
import { AUDIT_API } from '../../apps/audit/src/create-audit-app';
import { runAuditVerify } from './support/audit-verify-command';
import { Azurite } from './support/azurite';
import { KeyVaultDouble, stubCredential } from './support/key-vault-double';
import {
  AUDIT_KEY,
  AUDIT_READER_KEY,
  databaseUri,
  RunningApp,
  serve,
  uniqueDatabase,
} from './support/stack';
import { truncateFrom } from './support/tamper';

const CONTAINER = 'audit-checkpoints';
const KEY_NAME = 'audit-checkpoint';
const noCredential = () =>
  Promise.reject(new Error('the SAS URL is the credential'));

describe('checkpoints in a blob container (Azurite, the real @azure/storage-blob client)', () => {
  let azurite: Azurite;
  let vault: KeyVaultDouble;
  let keyId: string;
  let app: RunningApp;
  let work: string;

  beforeAll(async () => {
    [azurite, vault] = await Promise.all([
      Azurite.start(),
      KeyVaultDouble.start(),
    ]);
    keyId = vault.createKey(KEY_NAME);
    await azurite.container(CONTAINER);
    work = mkdtempSync(join(tmpdir(), 'e2e-blob-checkpoints-'));
    writeFileSync(
      join(work, 'key.jwk.json'),
      JSON.stringify(vault.publicJwk(KEY_NAME)),
    );
    // The app may create and read blobs, but not write over one: what the immutability policy
    // guarantees in Azure, a create-only signature guarantees here.
    const env = {
      MONGODB_URI: databaseUri('audit'),
      MONGODB_DATABASE: uniqueDatabase('e2e-blob-checkpoints'),
      API_KEYS: AUDIT_KEY,
      AUDIT_READER_KEYS: AUDIT_READER_KEY,
      LOG_LEVEL: 'silent',
      CHECKPOINT_KEY_ID: keyId,
      CHECKPOINT_CONTAINER_URL: azurite.sasUrl(CONTAINER, 'rcl'),
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
    app = await serve(moduleRef, AUDIT_API, {
      'x-functions-key': AUDIT_READER_KEY,
    });
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([azurite?.stop(), vault?.close()]);
    rmSync(work, { recursive: true, force: true });
  });

  it('stores each checkpoint as its own blob, which cannot be overwritten, and finds truncation with a read-only auditor', async () => {
    for (let n = 0; n < 6; n++) {
      expect(
        (
          await app.client
            .with({ 'x-functions-key': AUDIT_KEY })
            .post('/auditrecord', {
              sourceSystemName: 'blob-test',
              resource: { type: 'patient', operation: 'read' },
              patientIds: [],
              outcome: 200,
            })
        ).status,
      ).toBe(201);
    }
    const created = await app.client.post('/auditrecord/checkpoints');
    expect(created.status).toBe(201);
    expect(created.body.sequence).toBe(6);

    // Even a writer allowed to write blobs cannot replace it through the store's conditional create...
    const writer = await BlobCheckpointStore.open(
      azurite.sasUrl(CONTAINER, 'rcwl'),
      noCredential,
    );
    await expect(
      writer.create({ ...created.body, hash: 'f'.repeat(64) }),
    ).rejects.toBeInstanceOf(CheckpointExistsError);
    // ...and the app's own create-only access cannot overwrite it with a plain upload either.
    const appAccess = new ContainerClient(azurite.sasUrl(CONTAINER, 'rcl'));
    const forged = JSON.stringify({ ...created.body, hash: 'f'.repeat(64) });
    await expect(
      appAccess
        .getBlockBlobClient(checkpointName(6))
        .upload(forged, forged.length),
    ).rejects.toMatchObject({ statusCode: 403 });
    expect(
      (await app.client.get('/auditrecord/checkpoints/latest')).body,
    ).toEqual(created.body);

    await truncateFrom(app, 5);
    expect((await app.client.get('/auditrecord/verify')).body).toMatchObject({
      valid: false,
      firstInvalidSequence: 5,
      reason: 'truncated',
    });
    const command = await runAuditVerify(
      [
        '--records',
        app.url,
        '--checkpoints',
        azurite.sasUrl(CONTAINER, 'rl'),
        '--public-key',
        join(work, 'key.jwk.json'),
      ],
      { AUDIT_READER_KEY },
    );
    expect(command.stdout).toContain(
      'RESULT: INVALID from sequence 5: records removed',
    );
    expect(command.code).toBe(1);
  });
});
