import { Global, Logger, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { z } from 'zod';
import { strictMock } from '@test/strict-mock';
import { ApiKeys } from '../auth/api-keys';
import { commonConfigShape, portVariable } from '../config/config-fields';
import { Environment } from '../config/environment';
import { ConfigError, configToken, parseConfig } from '../config/parse-config';
import { keyVaultConfigModule } from './key-vault-config.module';
import { KeyVaultError } from './key-vault.errors';
import { KeyVaultSecrets } from './key-vault-secrets';
import { keyVaultVariables } from './key-vault-variables';
import { AppApiKeys, GatewaySecrets, MongoDbUri } from './platform-secrets';
import { RotatingSecret } from './rotating-secret';
import { SecretClientFactory, SecretReader } from './secret-client-factory';
import {
  apiKeysProvider,
  rotatingSecretProvider,
  WithoutSecrets,
} from './secret-settings';

/** An app's schema, assembled as the apps assemble theirs, with a secret and a key list of its own. */
const schema = z.object({
  ...commonConfigShape,
  ...keyVaultVariables({
    MONGODB_URI: 'unit-mongodb-uri',
    API_KEYS: 'unit-api-keys',
    GATEWAY_SECRET: null,
    PARTNER_KEY: 'unit-partner-key',
    PARTNER_READER_KEYS: 'unit-partner-reader-keys',
  }),
  PARTNER_KEY: z.string().min(16, 'must be at least 16 characters'),
  PARTNER_READER_KEYS: commonConfigShape.API_KEYS,
  PORT: portVariable(7000),
});

abstract class UnitConfig extends configToken<
  WithoutSecrets<z.output<typeof schema>>
>() {}
abstract class PartnerKey extends RotatingSecret {}
abstract class PartnerReaderKeys extends ApiKeys {}
abstract class Undeclared extends RotatingSecret {}

@Global()
@Module(
  keyVaultConfigModule(UnitConfig, schema.shape, (env) =>
    parseConfig(schema, env),
  ),
)
class UnitConfigModule {}

const VAULT = 'https://unit.vault.azure.net/';
const KEY_A = 'key-a-0123456789abcdef';
const KEY_B = 'key-b-0123456789abcdef';
const PARTNER = 'partner-key-0123456789';
const URI = 'mongodb://unit:pa55word@db.example.net/';
const READER = 'reader-key-0123456789ab';

/** Builds a client that reads with `getSecret` (a plain class: Nest probes providers for hooks). */
class ClientsOf extends SecretClientFactory {
  constructor(private readonly getSecret: jest.Mock) {
    super();
  }

  create(): SecretReader {
    return strictMock<SecretReader>({ getSecret: this.getSecret });
  }
}

/** A vault holding `values` by secret name, changeable while the app runs. */
function vaultWith(values: Record<string, string>) {
  let version = 0;
  return new ClientsOf(
    jest.fn((name: string) =>
      name in values
        ? Promise.resolve({
            name,
            value: values[name],
            properties: { name, vaultUrl: VAULT, version: `v${++version}` },
          })
        : Promise.reject(
            Object.assign(new Error(`${name} was not found`), {
              statusCode: 404,
              code: 'SecretNotFound',
            }),
          ),
    ),
  );
}

/** No vault: a read fails the test. */
const noVault = () => new ClientsOf(jest.fn());

function compile(
  env: Record<string, string>,
  clients: SecretClientFactory = noVault(),
  providers = [
    rotatingSecretProvider(PartnerKey, 'PARTNER_KEY'),
    apiKeysProvider(PartnerReaderKeys, 'PARTNER_READER_KEYS'),
  ],
) {
  return Test.createTestingModule({
    imports: [UnitConfigModule],
    providers,
  })
    .overrideProvider(Environment)
    .useValue(env)
    .overrideProvider(SecretClientFactory)
    .useValue(clients)
    .compile();
}

/** The start-up error `compiling` rejects with. */
const startUpError = (compiling: Promise<unknown>) =>
  compiling.then(
    () => {
      throw new Error('expected start-up to fail, but the app started');
    },
    (error: Error) => error,
  );

describe('keyVaultConfigModule', () => {
  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation();
    jest.spyOn(Logger.prototype, 'warn').mockImplementation();
  });

  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  it('gives a configuration with no secret setting in it, frozen', async () => {
    const moduleRef = await compile({
      MONGODB_URI: URI,
      API_KEYS: KEY_A,
      GATEWAY_SECRET: KEY_B,
      PARTNER_KEY: PARTNER,
      PORT: '7123',
    });

    const config = moduleRef.get(UnitConfig);

    expect(config).toMatchObject({ PORT: 7123, LOG_LEVEL: 'info' });
    for (const setting of [
      'MONGODB_URI',
      'API_KEYS',
      'GATEWAY_SECRET',
      'PARTNER_KEY',
      'PARTNER_READER_KEYS',
    ]) {
      expect(config).not.toHaveProperty(setting);
    }
    for (const value of [URI, KEY_A, KEY_B, PARTNER]) {
      expect(JSON.stringify(config)).not.toContain(value);
    }
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("serves each secret from the environment when the vault does not hold it, through the setting's injectable", async () => {
    const moduleRef = await compile({
      MONGODB_URI: URI,
      API_KEYS: `${KEY_A},${KEY_B}`,
      PARTNER_KEY: PARTNER,
    });

    expect(moduleRef.get(MongoDbUri).current()).toBe(URI);
    expect(moduleRef.get(AppApiKeys).current()).toEqual([KEY_A, KEY_B]);
    expect(moduleRef.get(GatewaySecrets).current()).toEqual([]);
    expect(moduleRef.get(PartnerReaderKeys).current()).toEqual([]);
    expect(moduleRef.get(PartnerKey).current()).toBe(PARTNER);
    // Nothing newer to read: the environment's value stays.
    await expect(moduleRef.get(PartnerKey).refresh()).resolves.toBe(PARTNER);
  });

  it('uses a rotated key list without a restart, and keeps the previous list when the rotated one breaks the rules', async () => {
    const values = {
      'unit-mongodb-uri': URI,
      'unit-api-keys': KEY_A,
      'unit-partner-key': PARTNER,
      'unit-partner-reader-keys': READER,
    };
    const moduleRef = await compile(
      { KEY_VAULT_URI: VAULT, KEY_VAULT_REFRESH_SECONDS: '60' },
      vaultWith(values),
    );
    const keys = moduleRef.get(AppApiKeys);
    expect(keys.current()).toEqual([KEY_A]);
    jest.useFakeTimers();
    await moduleRef.init();

    values['unit-api-keys'] = `${KEY_A},${KEY_B}`;
    await jest.advanceTimersByTimeAsync(60_000);
    expect(keys.current()).toEqual([KEY_A, KEY_B]);

    values['unit-api-keys'] = `${KEY_B},short`;
    await jest.advanceTimersByTimeAsync(60_000);
    expect(keys.current()).toEqual([KEY_A, KEY_B]);

    await moduleRef.close();
  });

  it('serves a single secret as Key Vault holds it now, re-read on refresh', async () => {
    const values = {
      'unit-mongodb-uri': URI,
      'unit-api-keys': KEY_A,
      'unit-partner-key': PARTNER,
    };
    const moduleRef = await compile(
      { KEY_VAULT_URI: VAULT, PARTNER_READER_KEYS: READER },
      vaultWith(values),
    );
    const partnerKey = moduleRef.get(PartnerKey);
    expect(partnerKey.current()).toBe(PARTNER);

    values['unit-partner-key'] = 'partner-key-rotated-000';
    await expect(partnerKey.refresh()).resolves.toBe('partner-key-rotated-000');
    expect(partnerKey.current()).toBe('partner-key-rotated-000');
    expect(moduleRef.get(MongoDbUri).current()).toBe(URI);
  });

  it('stops start-up on a secret from the environment that breaks its rules, naming every bad setting and no value', async () => {
    const error = await startUpError(
      compile({
        MONGODB_URI: 'http://unit:pa55word@db.example.net/',
        API_KEYS: `${KEY_A},fifteen-chars!!`,
        PARTNER_KEY: 'short-partner',
        PORT: 'x',
      }),
    );

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining([
        'MONGODB_URI',
        'API_KEYS.1',
        'PARTNER_KEY',
        'PORT',
      ]),
    );
    for (const value of ['pa55word', 'fifteen-chars!!', 'short-partner']) {
      expect(error.message).not.toContain(value);
    }
  });

  it('stops start-up on a secret from the vault that breaks its rules, naming the secret and not the value', async () => {
    const error = await startUpError(
      compile(
        { KEY_VAULT_URI: VAULT },
        vaultWith({
          'unit-mongodb-uri': URI,
          'unit-api-keys': KEY_A,
          'unit-partner-key': 'short-partner',
          'unit-partner-reader-keys': READER,
        }),
      ),
    );

    expect(error).toBeInstanceOf(KeyVaultError);
    expect(error.message).toContain(
      'secret "unit-partner-key" (for PARTNER_KEY): the value is not usable: must be at least 16 characters',
    );
    expect(error.message).not.toContain('short-partner');
  });

  it('refuses at start-up an injectable for a setting the schema does not declare as a secret', async () => {
    const error = await startUpError(
      compile({ API_KEYS: KEY_A, PARTNER_KEY: PARTNER }, undefined, [
        rotatingSecretProvider(Undeclared, 'PORT'),
      ]),
    );

    expect(error.message).toBe(
      'PORT is not a secret setting of this app: list it in its keyVaultVariables',
    );
  });

  it('keeps the vault cache out of reach of feature modules', () => {
    expect(
      Reflect.getMetadata('exports', UnitConfigModule) as unknown[],
    ).not.toContain(KeyVaultSecrets);
  });
});
