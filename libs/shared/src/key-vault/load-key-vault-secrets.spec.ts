import { Logger } from '@nestjs/common';
import { z } from 'zod';
import { strictMock } from '@test/strict-mock';
import { secretListVariable } from '../config/config-fields';
import { keyVaultVariables } from './key-vault-variables';
import { loadKeyVaultSecrets } from './load-key-vault-secrets';
import { SecretClientFactory, SecretReader } from './secret-client-factory';

const shape = {
  API_KEYS: secretListVariable,
  AUDIT_API_KEY: z.string().min(16),
  ...keyVaultVariables({
    API_KEYS: 'my-app-api-keys',
    AUDIT_API_KEY: 'audit-api-key',
  }),
};
const VAULT = 'https://unit.vault.azure.net/';
const KEY = 'a-key-of-16-or-more-chars';

const stored = (value: string) => ({
  name: 'any',
  value,
  properties: { name: 'any', vaultUrl: VAULT, version: 'v1' },
});

/** A factory whose client serves `values` by secret name and records which names were read. */
function vaultWith(values: Record<string, string>) {
  const getSecret = jest.fn((name: string) =>
    Promise.resolve(stored(values[name])),
  );
  const create = jest.fn(() => strictMock<SecretReader>({ getSecret }));
  return {
    clients: strictMock<SecretClientFactory>({ create }),
    create,
    getSecret,
  };
}

describe('loadKeyVaultSecrets', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation();
  });

  afterEach(() => jest.restoreAllMocks());

  it('reads nothing, and builds no client, when KEY_VAULT_URI is unset', async () => {
    const { clients } = vaultWith({});

    const secrets = await loadKeyVaultSecrets(
      shape,
      { API_KEYS: KEY },
      clients,
    );

    expect(secrets.vaultUrl).toBeUndefined();
    expect(secrets.values()).toEqual({});
  });

  it('reads each secret under its default name', async () => {
    const { clients, create, getSecret } = vaultWith({
      'my-app-api-keys': KEY,
      'audit-api-key': KEY,
    });

    const secrets = await loadKeyVaultSecrets(
      shape,
      { KEY_VAULT_URI: VAULT },
      clients,
    );

    expect(create).toHaveBeenCalledWith(VAULT);
    expect(getSecret.mock.calls.map(([name]) => name).sort()).toEqual([
      'audit-api-key',
      'my-app-api-keys',
    ]);
    expect(secrets.values()).toEqual({ API_KEYS: KEY, AUDIT_API_KEY: KEY });
  });

  it('uses the secret names given in KEY_VAULT_SECRET_* variables', async () => {
    const { clients, getSecret } = vaultWith({
      'other-keys': KEY,
      'other-audit-key': KEY,
    });

    await loadKeyVaultSecrets(
      shape,
      {
        KEY_VAULT_URI: VAULT,
        KEY_VAULT_SECRET_API_KEYS: 'other-keys',
        KEY_VAULT_SECRET_AUDIT_API_KEY: 'other-audit-key',
      },
      clients,
    );

    expect(getSecret.mock.calls.map(([name]) => name).sort()).toEqual([
      'other-audit-key',
      'other-keys',
    ]);
  });

  it('lets a value set in the environment win, and never refreshes that setting', async () => {
    const { clients, getSecret } = vaultWith({ 'my-app-api-keys': KEY });

    const secrets = await loadKeyVaultSecrets(
      shape,
      { KEY_VAULT_URI: VAULT, AUDIT_API_KEY: 'from-the-environment-000' },
      clients,
    );

    expect(getSecret).toHaveBeenCalledTimes(1);
    expect(getSecret).toHaveBeenCalledWith(
      'my-app-api-keys',
      expect.anything(),
    );
    expect(secrets.manages('AUDIT_API_KEY')).toBe(false);
  });

  it('reads the vault itself when App Service left a Key Vault reference unresolved', async () => {
    const { clients } = vaultWith({
      'my-app-api-keys': KEY,
      'audit-api-key': KEY,
    });

    const secrets = await loadKeyVaultSecrets(
      shape,
      {
        KEY_VAULT_URI: VAULT,
        AUDIT_API_KEY:
          '@Microsoft.KeyVault(SecretUri=https://unit.vault.azure.net/secrets/audit-api-key)',
      },
      clients,
    );

    expect(secrets.current('AUDIT_API_KEY')).toBe(KEY);
  });

  it('builds no client when every secret setting is in the environment', async () => {
    const { clients } = vaultWith({});

    const secrets = await loadKeyVaultSecrets(
      shape,
      { KEY_VAULT_URI: VAULT, API_KEYS: KEY, AUDIT_API_KEY: KEY },
      clients,
    );

    expect(secrets.vaultUrl).toBeUndefined();
  });

  it('fails with every bad Key Vault variable before contacting the vault', async () => {
    const { clients } = vaultWith({});

    await expect(
      loadKeyVaultSecrets(
        shape,
        {
          KEY_VAULT_URI: 'http://plain-http.example/',
          KEY_VAULT_REFRESH_SECONDS: '0',
          KEY_VAULT_SECRET_API_KEYS: 'not a name',
        },
        clients,
      ),
    ).rejects.toThrow(
      /KEY_VAULT_URI[\s\S]*KEY_VAULT_REFRESH_SECONDS[\s\S]*KEY_VAULT_SECRET_API_KEYS/,
    );
  });

  it('validates a secret with the schema field of its setting', async () => {
    const { clients } = vaultWith({
      'my-app-api-keys': 'short',
      'audit-api-key': KEY,
    });

    await expect(
      loadKeyVaultSecrets(shape, { KEY_VAULT_URI: VAULT }, clients),
    ).rejects.toThrow(
      'secret "my-app-api-keys" (for API_KEYS): the value is not usable',
    );
  });
});
