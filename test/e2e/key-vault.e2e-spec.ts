import { KeyVaultSecrets } from '@app/shared/key-vault';
import { Logger } from '@nestjs/common';
import { samplePatient } from '../support/samples';
import { databaseUri } from './support/databases';
import { KeyVaultDouble } from './support/key-vault-double';
import {
  eventually,
  secretNames,
  startAuditWithVault,
  startPatientTestsWithVault,
} from './support/key-vault-stack';
import type { RunningApp } from './support/stack';

const key = (name: string) => `${name}-${'k'.repeat(16)}`;
/** The auditor's key each test's vault holds (audit's AUDIT_READER_KEYS). */
const readerKey = (prefix: string) => key(`${prefix}-reader`);

/** Puts one test's full set of secrets into the vault. */
async function seed(
  vault: KeyVaultDouble,
  prefix: string,
  values: { auditKeys: string; patientTestsKeys: string; auditKey: string },
) {
  const names = secretNames(prefix);
  await vault.set(names.auditMongodbUri, databaseUri('audit'));
  await vault.set(names.patientTestsMongodbUri, databaseUri('patient-tests'));
  await vault.set(names.auditApiKeys, values.auditKeys);
  await vault.set(names.auditReaderKeys, readerKey(prefix));
  await vault.set(names.patientTestsApiKeys, values.patientTestsKeys);
  await vault.set(names.auditApiKey, values.auditKey);
  return names;
}

const withKey = (app: RunningApp, apiKey: string) =>
  app.client.with({ 'x-functions-key': apiKey });

describe('secrets from Key Vault', () => {
  let vault: KeyVaultDouble;
  const running: RunningApp[] = [];

  beforeAll(async () => {
    vault = await KeyVaultDouble.start();
  });

  afterEach(async () => {
    for (const app of running.splice(0).reverse()) {
      await app.close();
    }
  });

  afterAll(() => vault.close());

  it('loads the database URI, every key and the gateway secret at start-up, and both apps work with them', async () => {
    const names = await seed(vault, 'load', {
      auditKeys: key('audit-a'),
      patientTestsKeys: key('pt-a'),
      auditKey: key('audit-a'),
    });
    await vault.set(names.gatewaySecret, key('gateway'));
    const audit = await startAuditWithVault(vault, 'load');
    running.push(audit);
    const patientTests = await startPatientTestsWithVault(
      vault,
      'load',
      audit.url,
      { KEY_VAULT_SECRET_GATEWAY_SECRET: names.gatewaySecret },
    );
    running.push(patientTests);

    const created = await withKey(patientTests, key('pt-a')).post(
      '/patient',
      samplePatient(),
      {
        headers: {
          'x-gateway-secret': key('gateway'),
          'x-apim-subscription-id': 'from-the-gateway',
        },
      },
    );
    expect(created.status).toBe(201);
    // The reader key from the vault reads; patient-tests' key from the vault may only append.
    const records = await withKey(audit, readerKey('load')).get(
      `/auditrecord?resourceId=${created.body.id}`,
    );
    expect(records.status).toBe(200);
    expect(records.body[0].onBehalfOf).toMatchObject({
      actor: 'subscription:from-the-gateway',
    });
    expect(
      (await withKey(audit, key('audit-a')).get('/auditrecord')).status,
    ).toBe(403);
    expect(
      (
        await withKey(patientTests, key('not-a-key')).post(
          '/patient',
          samplePatient(),
        )
      ).status,
    ).toBe(401);
  });

  it('stops start-up with a message naming the vault and the missing secret, without any secret value', async () => {
    const names = secretNames('missing');
    await vault.set(names.patientTestsMongodbUri, databaseUri('patient-tests'));
    await vault.set(names.auditApiKey, key('audit-missing'));
    // names.patientTestsApiKeys is never set.

    const startUp = startPatientTestsWithVault(
      vault,
      'missing',
      'http://127.0.0.1:9/api',
    );

    await expect(startUp).rejects.toThrow(vault.url);
    const message = await startUp.then(
      () => '',
      (error: Error) => error.message,
    );
    expect(message).toContain(
      `secret "${names.patientTestsApiKeys}" (for API_KEYS)`,
    );
    expect(message).toContain('SecretNotFound');
    expect(message).not.toContain(databaseUri('patient-tests'));
    expect(message).not.toContain(key('audit-missing'));
  });

  it('honours a rotation of API_KEYS without a restart: both keys work during the overlap, the old one fails after it', async () => {
    const names = await seed(vault, 'rotate', {
      auditKeys: key('audit-r'),
      patientTestsKeys: key('pt-old'),
      auditKey: key('audit-r'),
    });
    const audit = await startAuditWithVault(vault, 'rotate');
    running.push(audit);
    const patientTests = await startPatientTestsWithVault(
      vault,
      'rotate',
      audit.url,
      {
        KEY_VAULT_REFRESH_SECONDS: '1',
      },
    );
    running.push(patientTests);
    const status = async (apiKey: string) =>
      (await withKey(patientTests, apiKey).post('/patient', samplePatient()))
        .status;
    expect(await status(key('pt-new'))).toBe(401);

    await vault.set(
      names.patientTestsApiKeys,
      `${key('pt-old')},${key('pt-new')}`,
    );
    await eventually(async () => expect(await status(key('pt-new'))).toBe(201));
    const overlap = await Promise.all([
      status(key('pt-old')),
      status(key('pt-new')),
    ]);
    expect(overlap).toEqual([201, 201]);

    await vault.set(names.patientTestsApiKeys, key('pt-new'));
    await eventually(async () => expect(await status(key('pt-old'))).toBe(401));
    expect(await status(key('pt-new'))).toBe(201);
  });

  it("honours a rotation of audit's reader keys without a restart: a rotated key keeps its role, and a key rotated into both roles gets neither", async () => {
    const names = await seed(vault, 'reader', {
      auditKeys: key('audit-w'),
      patientTestsKeys: key('pt-w'),
      auditKey: key('audit-w'),
    });
    const audit = await startAuditWithVault(vault, 'reader', {
      KEY_VAULT_REFRESH_SECONDS: '1',
    });
    running.push(audit);
    const read = async (apiKey: string) =>
      (await withKey(audit, apiKey).get('/auditrecord')).status;
    const newReader = key('reader-new');
    expect(await read(newReader)).toBe(401);

    await vault.set(
      names.auditReaderKeys,
      `${readerKey('reader')},${newReader}`,
    );
    await eventually(async () => expect(await read(newReader)).toBe(200));
    expect(await read(readerKey('reader'))).toBe(200);
    // The append key is still refused the reader's routes.
    expect(await read(key('audit-w'))).toBe(403);

    // A rotation that puts the append key into the reader list too gives it neither role.
    const append = async (apiKey: string) =>
      (
        await withKey(audit, apiKey).post('/auditrecord', {
          sourceSystemName: 'key-vault-test',
          resource: { type: 'patient', id: 'p-1', operation: 'read' },
          patientIds: ['p-1'],
          outcome: 200,
        })
      ).status;
    expect(await append(key('audit-w'))).toBe(201);
    await vault.set(
      names.auditReaderKeys,
      `${readerKey('reader')},${newReader},${key('audit-w')}`,
    );
    await eventually(async () =>
      expect(await append(key('audit-w'))).toBe(403),
    );
    expect(await read(key('audit-w'))).toBe(403);
    expect(await read(newReader)).toBe(200);

    await vault.set(names.auditReaderKeys, newReader);
    await eventually(async () =>
      expect(await read(readerKey('reader'))).toBe(401),
    );
    expect(await read(newReader)).toBe(200);
  });

  it('recovers from a rotated audit key through the 401 path: the stale key is re-read once and no client request fails', async () => {
    const names = await seed(vault, 'audit-key', {
      auditKeys: key('audit-old'),
      patientTestsKeys: key('pt-k'),
      auditKey: key('audit-old'),
    });
    const audit = await startAuditWithVault(vault, 'audit-key', {
      KEY_VAULT_REFRESH_SECONDS: '1',
    });
    running.push(audit);
    // A refresh interval far beyond the test: only the 401 path can pick up the new key.
    const patientTests = await startPatientTestsWithVault(
      vault,
      'audit-key',
      audit.url,
      {
        KEY_VAULT_REFRESH_SECONDS: '3600',
      },
    );
    running.push(patientTests);
    const client = withKey(patientTests, key('pt-k'));
    expect((await client.post('/patient', samplePatient())).status).toBe(201);

    // The leaked-key case: audit stops accepting the old key before patient-tests has heard of the new one.
    await vault.set(names.auditApiKeys, key('audit-new'));
    await vault.set(names.auditApiKey, key('audit-new'));
    await eventually(async () =>
      expect(
        (await withKey(audit, key('audit-old')).get('/auditrecord')).status,
      ).toBe(401),
    );
    const readsBefore = vault.readsOf(names.auditApiKey);

    const results = await Promise.all(
      Array.from({ length: 5 }, () => client.post('/patient', samplePatient())),
    );

    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    // Concurrent 401s share one forced read of the secret.
    expect(vault.readsOf(names.auditApiKey) - readsBefore).toBe(1);
    expect((await client.post('/patient', samplePatient())).status).toBe(201);
    expect(vault.readsOf(names.auditApiKey) - readsBefore).toBe(1);
  });

  describe('when the vault becomes unreachable after start-up', () => {
    let ownVault: KeyVaultDouble;
    let warn: jest.SpyInstance;

    beforeEach(async () => {
      ownVault = await KeyVaultDouble.start();
      warn = jest.spyOn(Logger.prototype, 'warn');
    });

    afterEach(async () => {
      warn.mockRestore();
      await ownVault.close();
    });

    it('keeps the last good values, answers as before and logs a warning without secret values', async () => {
      const names = await seed(ownVault, 'outage', {
        auditKeys: key('audit-o'),
        patientTestsKeys: key('pt-o'),
        auditKey: key('audit-o'),
      });
      const audit = await startAuditWithVault(ownVault, 'outage', {
        KEY_VAULT_REFRESH_SECONDS: '1',
      });
      running.push(audit);
      const patientTests = await startPatientTestsWithVault(
        ownVault,
        'outage',
        audit.url,
        {
          KEY_VAULT_REFRESH_SECONDS: '1',
        },
      );
      running.push(patientTests);

      await ownVault.close();
      const keyVaultWarnings = () =>
        warn.mock.contexts
          .map((context, call) => ({
            context,
            message: String(warn.mock.calls[call][0]),
          }))
          .filter(
            ({ context }) =>
              (context as { context?: string }).context ===
              KeyVaultSecrets.name,
          )
          .map(({ message }) => message);
      await eventually(async () => {
        expect(keyVaultWarnings().join('\n')).toContain(
          `secret "${names.patientTestsApiKeys}"`,
        );
        return Promise.resolve();
      });

      const created = await withKey(patientTests, key('pt-o')).post(
        '/patient',
        samplePatient(),
      );
      expect(created.status).toBe(201);
      expect(
        (await withKey(audit, readerKey('outage')).get('/auditrecord')).status,
      ).toBe(200);
      const logged = keyVaultWarnings().join('\n');
      expect(logged).toContain(ownVault.url);
      expect(logged).toContain('keeping the value read at');
      for (const secret of [
        databaseUri('audit'),
        databaseUri('patient-tests'),
        key('audit-o'),
        key('pt-o'),
        readerKey('outage'),
      ]) {
        expect(logged).not.toContain(secret);
      }
    });
  });
});
