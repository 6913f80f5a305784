import type { SecretClient } from '@azure/keyvault-secrets';

/** The one call the secret cache makes: a narrow seam so unit specs can use a strict mock. */
export type SecretReader = Pick<SecretClient, 'getSecret'>;

/**
 * Builds the Key Vault client for a vault URI. An abstract class so it is its own DI token: the apps
 * provide {@link AzureSecretClientFactory}; tests provide one with a stub credential and their test
 * vault's certificate, because `DefaultAzureCredential` would probe the cloud metadata address.
 */
export abstract class SecretClientFactory {
  abstract create(vaultUrl: string): SecretReader | Promise<SecretReader>;
}

/**
 * Production: `DefaultAzureCredential`, i.e. the Function App's managed identity in Azure, and
 * environment credentials or `az login` on a laptop. Called only when `KEY_VAULT_URI` is set.
 */
export class AzureSecretClientFactory extends SecretClientFactory {
  async create(vaultUrl: string): Promise<SecretReader> {
    // Loaded on demand: the two SDKs add about 300 ms to every cold start, and most runs
    // (local, tests, settings given as Key Vault references) never need them.
    const [{ SecretClient }, { DefaultAzureCredential }] = await Promise.all([
      import('@azure/keyvault-secrets'),
      import('@azure/identity'),
    ]);
    return new SecretClient(vaultUrl, new DefaultAzureCredential());
  }
}
