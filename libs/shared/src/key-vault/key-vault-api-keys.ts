import { ApiKeys } from '../auth/api-keys';
import { secretListVariable } from '../config/config-fields';
import { KeyVaultSecrets } from './key-vault-secrets';
import type { SecretSetting } from './key-vault-variables';

/**
 * The keys in a Key Vault secret as it is now: every key of the comma-separated list is accepted, so
 * the old and the new key both work while a rotation overlaps them.
 */
export class KeyVaultApiKeys extends ApiKeys {
  private raw?: string;
  private keys: readonly string[] = [];

  constructor(
    private readonly secrets: KeyVaultSecrets,
    private readonly setting: SecretSetting,
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
