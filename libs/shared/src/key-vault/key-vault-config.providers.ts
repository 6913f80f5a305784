import type { Provider } from '@nestjs/common';
import type { z } from 'zod';
import { AppHost, PLAIN_HTTP_HOST } from '../config/app-host';
import { Environment } from '../config/environment';
import { KeyVaultSecrets } from './key-vault-secrets';
import { loadKeyVaultSecrets } from './load-key-vault-secrets';
import {
  AzureSecretClientFactory,
  SecretClientFactory,
} from './secret-client-factory';

/**
 * The providers of an app's config module: the environment, the Key Vault secrets (read once before
 * anything else starts, then refreshed) and the configuration, parsed once from the environment with
 * the secrets laid over it and frozen. Async, so Nest waits for the vault before building the app.
 *
 * @param token the app's configuration class (see `configToken`)
 * @param shape the app's configuration object shape (the schema's `.shape`)
 * @param load parses the merged variables, e.g. `loadAuditConfig`, knowing the host the app runs in
 */
export function keyVaultConfigProviders<T>(
  token: abstract new () => T,
  shape: Readonly<Record<string, z.ZodType>>,
  load: (env: Record<string, string | undefined>, host: AppHost) => T,
): Provider[] {
  return [
    { provide: Environment, useFactory: () => process.env },
    { provide: SecretClientFactory, useClass: AzureSecretClientFactory },
    {
      provide: KeyVaultSecrets,
      inject: [Environment, SecretClientFactory],
      useFactory: (env: Environment, clients: SecretClientFactory) =>
        loadKeyVaultSecrets(shape, env, clients),
    },
    {
      provide: token,
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
  ];
}
