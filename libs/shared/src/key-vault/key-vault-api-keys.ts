import { ApiKeys, StaticApiKeys } from '../auth/api-keys';
import { secretListVariable } from '../config/config-fields';
import { KeyVaultSecrets } from './key-vault-secrets';

/**
 * The inbound keys in the Key Vault secret as it is now: every key of the comma-separated list is
 * accepted, so the old and the new key both work while a rotation overlaps them.
 */
export class KeyVaultApiKeys extends ApiKeys {
  private raw?: string;
  private keys: readonly string[] = [];

  constructor(private readonly secrets: KeyVaultSecrets) {
    super();
  }

  current(): readonly string[] {
    const raw = this.secrets.current('API_KEYS') ?? '';
    // Parsed once per secret version, not per request; the cache only holds values that parse.
    if (raw !== this.raw) {
      this.keys = Object.freeze(secretListVariable.parse(raw));
      this.raw = raw;
    }
    return this.keys;
  }
}

/** The app's inbound keys: refreshed from Key Vault when it manages `API_KEYS`, else the configured list. */
export function apiKeysFrom(
  secrets: KeyVaultSecrets,
  configured: readonly string[],
): ApiKeys {
  return secrets.manages('API_KEYS')
    ? new KeyVaultApiKeys(secrets)
    : new StaticApiKeys(configured);
}
