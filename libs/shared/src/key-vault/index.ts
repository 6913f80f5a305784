// `@app/shared/key-vault`: secrets read from Key Vault and refreshed while the app runs.
export { KeyVaultSecrets } from './key-vault-secrets';
export { keyVaultConfigProviders } from './key-vault-config.providers';
export { keyVaultVariables } from './key-vault-variables';
export { apiKeysFrom } from './key-vault-api-keys';
export { SecretClientFactory } from './secret-client-factory';
export { RotatingSecret, rotatingSecret } from './rotating-secret';
