// `@app/shared/key-vault`: secrets read from Key Vault and refreshed while the app runs, one
// injectable per secret setting.
export { keyVaultConfigModule } from './key-vault-config.module';
export { keyVaultVariables } from './key-vault-variables';
export { SecretClientFactory } from './secret-client-factory';
export { RotatingSecret } from './rotating-secret';
export {
  apiKeysProvider,
  rotatingSecretProvider,
  SecretSettings,
} from './secret-settings';
export type { WithoutSecrets } from './secret-settings';
// The cache itself, for tests that tell its log lines apart; apps cannot inject it (no module exports it).
export { KeyVaultSecrets } from './key-vault-secrets';
export { AppApiKeys, GatewaySecrets, MongoDbUri } from './platform-secrets';
