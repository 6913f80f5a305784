import { Environment } from '@app/shared/config';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../../apps/audit/src/app.module';
import { CheckpointSigner } from '../../../apps/audit/src/chain/checkpoint-signer';
import { KeyVaultCheckpointSigner } from '../../../apps/audit/src/chain/key-vault-checkpoint-signer';
import { AUDIT_API } from '../../../apps/audit/src/create-audit-app';
import { KeyVaultDouble, stubCredential } from './key-vault-double';
import {
  AUDIT_KEY,
  AUDIT_READER_KEY,
  databaseUri,
  RunningApp,
  serve,
} from './stack';

/**
 * The audit app signing checkpoints with `keyId` in the Key Vault double, its client holding the
 * reader key, through its real configuration path (the environment it reads is this one, not the
 * process's). `overrides` names the database and the checkpoint store (CHECKPOINT_DIR or
 * CHECKPOINT_CONTAINER_URL). Only the credential differs from production (the stub instead of the
 * managed identity), and the double's certificate is trusted.
 */
export async function startAuditWithCheckpoints(
  vault: KeyVaultDouble,
  keyId: string,
  overrides: Record<string, string> & { MONGODB_DATABASE: string },
): Promise<RunningApp> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(Environment)
    .useValue({
      MONGODB_URI: databaseUri('audit'),
      API_KEYS: AUDIT_KEY,
      AUDIT_READER_KEYS: AUDIT_READER_KEY,
      LOG_LEVEL: 'silent',
      CHECKPOINT_KEY_ID: keyId,
      ...overrides,
    })
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

/** Appends `count` records with the append key, each its own patient's read, so a chain has a head. */
export async function appendRecords(app: RunningApp, count: number) {
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
