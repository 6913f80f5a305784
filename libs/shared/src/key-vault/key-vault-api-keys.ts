import { ApiKeys, StaticApiKeys } from '../auth/api-keys';
import { secretListVariable } from '../config/config-fields';
import { KeyVaultSecrets } from './key-vault-secrets';
import type { SecretSetting } from './key-vault-variables';

/** A setting that holds a comma-separated list of keys or shared secrets (`API_KEYS`, ...). */
export type KeyListSetting = SecretSetting;

/**
 * The keys in a Key Vault secret as it is now: every key of the comma-separated list is accepted, so
 * the old and the new key both work while a rotation overlaps them.
 */
export class KeyVaultApiKeys extends ApiKeys {
  private raw?: string;
  private keys: readonly string[] = [];

  constructor(
    private readonly secrets: KeyVaultSecrets,
    private readonly setting: KeyListSetting = 'API_KEYS',
  ) {
    super();
  }

  current(): readonly string[] {
    const raw = this.secrets.current(this.setting) ?? '';
    // Parsed once per secret version, not per request; the cache only holds values that parse.
    if (raw !== this.raw) {
      this.keys = Object.freeze(secretListVariable.parse(raw));
      this.raw = raw;
    }
    return this.keys;
  }
}

/**
 * The keys of `setting` (default `API_KEYS`, the app's inbound keys): refreshed from Key Vault when it
 * manages the setting, else the configured list.
 */
export function apiKeysFrom(
  secrets: KeyVaultSecrets,
  configured: readonly string[],
  setting: KeyListSetting = 'API_KEYS',
): ApiKeys {
  return secrets.manages(setting)
    ? new KeyVaultApiKeys(secrets, setting)
    : new StaticApiKeys(configured);
}
