import { Logger } from '@nestjs/common';
import { strictMock } from '@test/strict-mock';
import { KeyVaultError } from './key-vault.errors';
import { KeyVaultSecrets, SecretBinding } from './key-vault-secrets';
import type { SecretReader } from './secret-client-factory';

const VAULT = 'https://unit.vault.azure.net/';
const OLD = 'old-key-0000000000000001';
const NEW = 'new-key-0000000000000002';

const secret = (value: string | undefined, version = 'v1') => ({
  name: 'any',
  value,
  properties: { name: 'any', vaultUrl: VAULT, version },
});

const binding = (overrides: Partial<SecretBinding> = {}): SecretBinding => ({
  setting: 'API_KEYS',
  secretName: 'audit-api-keys',
  validate: () => [],
  ...overrides,
});

function notFound(name: string) {
  return Object.assign(
    new Error(
      `A secret with (name/id) ${name} was not found in this key vault.`,
    ),
    { statusCode: 404, code: 'SecretNotFound' },
  );
}

describe('KeyVaultSecrets', () => {
  let warn: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation();
    jest.spyOn(Logger.prototype, 'log').mockImplementation();
  });

  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  describe('load', () => {
    it('reads every bound secret once and serves the values from the cache', async () => {
      const client = strictMock<SecretReader>({
        getSecret: jest.fn((name: string) =>
          Promise.resolve(
            secret(name === 'audit-api-keys' ? OLD : 'mongodb://db/'),
          ),
        ),
      });

      const secrets = await KeyVaultSecrets.load(
        VAULT,
        client,
        [
          binding(),
          binding({ setting: 'MONGODB_URI', secretName: 'mongodb-uri' }),
        ],
        300,
      );

      expect(client.getSecret).toHaveBeenCalledTimes(2);
      expect(secrets.current('API_KEYS')).toBe(OLD);
      expect(secrets.values()).toEqual({
        API_KEYS: OLD,
        MONGODB_URI: 'mongodb://db/',
      });
      expect(secrets.manages('API_KEYS')).toBe(true);
      expect(secrets.manages('AUDIT_API_KEY')).toBe(false);
      expect(secrets.current('AUDIT_API_KEY')).toBeUndefined();
    });

    it('fails with one error naming the vault and every unreadable secret, without the values it did read', async () => {
      const client = strictMock<SecretReader>({
        getSecret: jest.fn((name: string) =>
          name === 'mongodb-uri'
            ? Promise.resolve(secret('mongodb://user:pa55word@db/'))
            : Promise.reject(notFound(name)),
        ),
      });

      const loading = KeyVaultSecrets.load(
        VAULT,
        client,
        [
          binding(),
          binding({ setting: 'MONGODB_URI', secretName: 'mongodb-uri' }),
          binding({ setting: 'AUDIT_API_KEY', secretName: 'audit-api-key' }),
        ],
        300,
      );

      await expect(loading).rejects.toThrow(KeyVaultError);
      const message = await loading.catch((error: Error) => error.message);
      expect(message).toContain(`Key Vault ${VAULT}`);
      expect(message).toContain(
        'secret "audit-api-keys" (for API_KEYS): 404 SecretNotFound',
      );
      expect(message).toContain('secret "audit-api-key" (for AUDIT_API_KEY)');
      expect(message).not.toContain('pa55word');
    });

    it('rejects a value the app cannot use, reporting the rule and not the value', async () => {
      const client = strictMock<SecretReader>({
        getSecret: jest.fn(() => Promise.resolve(secret('short'))),
      });

      const loading = KeyVaultSecrets.load(
        VAULT,
        client,
        [
          binding({
            validate: () => ['each key must be at least 16 characters'],
          }),
        ],
        300,
      );

      await expect(loading).rejects.toThrow(
        'the value is not usable: each key must be at least 16 characters',
      );
      await expect(loading).rejects.not.toThrow('short');
    });

    it('treats a secret without a value as unreadable', async () => {
      const client = strictMock<SecretReader>({
        getSecret: jest.fn(() => Promise.resolve(secret(undefined))),
      });

      await expect(
        KeyVaultSecrets.load(VAULT, client, [binding()], 300),
      ).rejects.toThrow('the secret has no value');
    });
  });

  describe('refresh', () => {
    async function loaded(getSecret: jest.Mock) {
      getSecret.mockResolvedValueOnce(secret(OLD, 'v1'));
      return KeyVaultSecrets.load(
        VAULT,
        strictMock<SecretReader>({ getSecret }),
        [binding()],
        300,
      );
    }

    it('re-reads the secret and serves the new version', async () => {
      const getSecret = jest.fn();
      const secrets = await loaded(getSecret);
      getSecret.mockResolvedValueOnce(secret(NEW, 'v2'));

      await expect(secrets.refresh('API_KEYS')).resolves.toBe(NEW);
      expect(secrets.current('API_KEYS')).toBe(NEW);
    });

    it('shares one read between concurrent callers', async () => {
      const getSecret = jest.fn();
      const secrets = await loaded(getSecret);
      getSecret.mockResolvedValueOnce(secret(NEW, 'v2'));

      const values = await Promise.all([
        secrets.refresh('API_KEYS'),
        secrets.refresh('API_KEYS'),
        secrets.refresh('API_KEYS'),
      ]);

      expect(values).toEqual([NEW, NEW, NEW]);
      expect(getSecret).toHaveBeenCalledTimes(2);
    });

    it('keeps the last good value when the vault cannot be reached, and warns without the value', async () => {
      const getSecret = jest.fn();
      const secrets = await loaded(getSecret);
      getSecret.mockRejectedValueOnce(
        Object.assign(new Error(`connect ECONNREFUSED; last key ${OLD}`), {
          code: 'ECONNREFUSED',
        }),
      );

      await expect(secrets.refresh('API_KEYS')).resolves.toBe(OLD);

      expect(warn).toHaveBeenCalledTimes(1);
      const message = String(warn.mock.calls[0][0]);
      expect(message).toContain(
        `Key Vault ${VAULT}: could not refresh secret "audit-api-keys" (API_KEYS)`,
      );
      expect(message).toContain('ECONNREFUSED');
      expect(message).not.toContain(OLD);
    });

    it('keeps the last good value when the new one is unusable', async () => {
      const getSecret = jest.fn();
      getSecret.mockResolvedValueOnce(secret(OLD, 'v1'));
      const secrets = await KeyVaultSecrets.load(
        VAULT,
        strictMock<SecretReader>({ getSecret }),
        [
          binding({
            validate: (value) => (value === 'bad' ? ['too short'] : []),
          }),
        ],
        300,
      );
      getSecret.mockResolvedValueOnce(secret('bad', 'v2'));

      await expect(secrets.refresh('API_KEYS')).resolves.toBe(OLD);
      expect(String(warn.mock.calls[0][0])).toContain('too short');
    });

    it('answers undefined, without a read, for a setting it does not manage', async () => {
      const getSecret = jest.fn();
      const secrets = await loaded(getSecret);

      await expect(secrets.refresh('AUDIT_API_KEY')).resolves.toBeUndefined();
      expect(getSecret).toHaveBeenCalledTimes(1);
    });
  });

  describe('background refresh', () => {
    it('re-reads every KEY_VAULT_REFRESH_SECONDS once started, and stops on module destroy', async () => {
      jest.useFakeTimers();
      const getSecret = jest.fn().mockResolvedValue(secret(OLD));
      const secrets = await KeyVaultSecrets.load(
        VAULT,
        strictMock<SecretReader>({ getSecret }),
        [binding()],
        60,
      );
      secrets.onApplicationBootstrap();

      await jest.advanceTimersByTimeAsync(59_000);
      expect(getSecret).toHaveBeenCalledTimes(1);
      getSecret.mockResolvedValue(secret(NEW, 'v2'));
      await jest.advanceTimersByTimeAsync(1_000);
      expect(getSecret).toHaveBeenCalledTimes(2);
      expect(secrets.current('API_KEYS')).toBe(NEW);
      await jest.advanceTimersByTimeAsync(60_000);
      expect(getSecret).toHaveBeenCalledTimes(3);

      secrets.onModuleDestroy();
      await jest.advanceTimersByTimeAsync(600_000);
      expect(getSecret).toHaveBeenCalledTimes(3);
      expect(jest.getTimerCount()).toBe(0);
    });

    it('never arms a timer when nothing comes from Key Vault', () => {
      jest.useFakeTimers();
      const secrets = KeyVaultSecrets.none();

      secrets.onApplicationBootstrap();

      expect(jest.getTimerCount()).toBe(0);
      expect(secrets.vaultUrl).toBeUndefined();
    });
  });
});
