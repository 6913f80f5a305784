import { ApiKeys } from '../auth/api-keys';
import { RotatingSecret } from './rotating-secret';
import { apiKeysProvider, rotatingSecretProvider } from './secret-settings';

/** The app's database connection string (`MONGODB_URI`). */
export abstract class MongoDbUri extends RotatingSecret {}

/** The keys in the app's `API_KEYS`: every inbound key, or on audit the append keys. */
export abstract class AppApiKeys extends ApiKeys {}

/** The values API Management may send as `x-gateway-secret` (`GATEWAY_SECRET`). */
export abstract class GatewaySecrets extends ApiKeys {}

/** The injectables of the secret settings every app has (`commonConfigShape`). */
export const PLATFORM_SECRETS = [MongoDbUri, AppApiKeys, GatewaySecrets];

export const platformSecretProviders = [
  rotatingSecretProvider(MongoDbUri, 'MONGODB_URI'),
  apiKeysProvider(AppApiKeys, 'API_KEYS'),
  apiKeysProvider(GatewaySecrets, 'GATEWAY_SECRET'),
];
