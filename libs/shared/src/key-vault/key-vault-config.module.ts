import type { ModuleMetadata } from '@nestjs/common';
import type { z } from 'zod';
import { AppHost, PLAIN_HTTP_HOST } from '../config/app-host';
import { Environment } from '../config/environment';
import { KeyVaultSecrets } from './key-vault-secrets';
import { loadKeyVaultSecrets } from './load-key-vault-secrets';
import { PLATFORM_SECRETS, platformSecretProviders } from './platform-secrets';
import {
  AzureSecretClientFactory,
  SecretClientFactory,
} from './secret-client-factory';
import {
  SecretSettings,
  secretSettingsOf,
  WithoutSecrets,
} from './secret-settings';

/** Every variable as parsed at start-up, secrets included: only for splitting, never exported. */
abstract class ParsedSettings {}

/**
 * The metadata of an app's (global) config module. Key Vault's secrets are read once before anything
 * else starts (then refreshed); the app's schema is parsed once over the environment with the vault's
 * copies laid over it, so every bad variable, and every rule between secrets (e.g. no key in two
 * roles), is reported at once whichever source a value came from. The result is split: `token` gets
 * the configuration without the secret settings, frozen; the secrets are served by one injectable each
 * ({@link SecretSettings}; the platform's own: `MongoDbUri`, `AppApiKeys`, `GatewaySecrets`). Async,
 * so Nest waits for the vault before building the app.
 *
 * @param token the app's configuration class (see `configToken`), typed `WithoutSecrets<...>`
 * @param shape the app's configuration object shape (the schema's `.shape`)
 * @param load parses the variables, e.g. `loadAuditConfig`, knowing the host the app runs in
 */
export function keyVaultConfigModule<T extends object>(
  token: abstract new () => Readonly<WithoutSecrets<T>>,
  shape: Readonly<Record<string, z.ZodType>>,
  load: (env: Record<string, string | undefined>, host: AppHost) => T,
): Required<Pick<ModuleMetadata, 'providers' | 'exports'>> {
  const secretSettings = secretSettingsOf(shape);
  return {
    providers: [
      { provide: Environment, useFactory: () => process.env },
      { provide: SecretClientFactory, useClass: AzureSecretClientFactory },
      {
        provide: KeyVaultSecrets,
        inject: [Environment, SecretClientFactory],
        useFactory: (env: Environment, clients: SecretClientFactory) =>
          loadKeyVaultSecrets(shape, env, clients),
      },
      {
        provide: ParsedSettings,
        // Optional: a test module built without `createApp` runs as a plain HTTP server.
        inject: [
          Environment,
          KeyVaultSecrets,
          { token: AppHost, optional: true },
        ],
        useFactory: (
          env: Environment,
          secrets: KeyVaultSecrets,
          host: AppHost | undefined,
        ) => load({ ...env, ...secrets.values() }, host ?? PLAIN_HTTP_HOST),
      },
      {
        provide: token,
        inject: [ParsedSettings],
        useFactory: (parsed: T) =>
          Object.freeze(
            Object.fromEntries(
              Object.entries(parsed).filter(
                ([name]) => !secretSettings.includes(name),
              ),
            ),
          ),
      },
      {
        provide: SecretSettings,
        inject: [KeyVaultSecrets, ParsedSettings],
        useFactory: (secrets: KeyVaultSecrets, parsed: T) =>
          new SecretSettings(
            secrets,
            new Map(
              secretSettings.map((setting) => [
                setting,
                (parsed as Record<string, unknown>)[setting],
              ]),
            ),
          ),
      },
      ...platformSecretProviders,
    ],
    exports: [token, SecretSettings, ...PLATFORM_SECRETS],
  };
}
