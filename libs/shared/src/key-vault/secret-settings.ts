import type { Provider } from '@nestjs/common';
import { ApiKeys, StaticApiKeys } from '../auth/api-keys';
import { KeyVaultApiKeys } from './key-vault-api-keys';
import { KeyVaultSecrets } from './key-vault-secrets';
import { SECRET_NAME_PREFIX, SecretSetting } from './key-vault-variables';
import { RotatingSecret, rotatingSecret } from './rotating-secret';

/** The secret settings of a parsed configuration: those its schema lists in `keyVaultVariables`. */
export type SecretSettingOf<T> = {
  [K in keyof T]: K extends `${typeof SECRET_NAME_PREFIX}${infer S}`
    ? S
    : never;
}[keyof T];

/**
 * An app's parsed configuration without its secret settings: the type of its config token, so no
 * caller can read a secret from the configuration, where it would never rotate.
 */
export type WithoutSecrets<T> = Omit<T, SecretSettingOf<T>>;

/** The secret settings an app's configuration schema declares (one `KEY_VAULT_SECRET_<SETTING>` each). */
export function secretSettingsOf(
  shape: Readonly<Record<string, unknown>>,
): SecretSetting[] {
  return Object.keys(shape)
    .filter((name) => name.startsWith(SECRET_NAME_PREFIX))
    .map((name) => name.slice(SECRET_NAME_PREFIX.length));
}

/**
 * Where each secret setting's value comes from: Key Vault's current copy when the vault manages the
 * setting, else the environment's value. Both were checked with the setting's rules at start-up (a
 * rotated copy is checked again when it is read, and refused if it breaks them). Apps do not read it:
 * they inject one token per setting, made with {@link rotatingSecretProvider} or
 * {@link apiKeysProvider}, so no caller chooses between the two sources.
 */
export class SecretSettings {
  constructor(
    private readonly vault: KeyVaultSecrets,
    /** Each declared secret setting's value as parsed at start-up, from the vault or the environment. */
    private readonly atStartUp: ReadonlyMap<SecretSetting, unknown>,
  ) {}

  /** The single-value secret `setting` (a URI, one key). */
  secret(setting: SecretSetting): RotatingSecret {
    const configured = this.startUpValue(setting);
    if (typeof configured !== 'string') {
      throw new TypeError(`${setting} is not a single-value secret setting`);
    }
    return rotatingSecret(this.vault, setting, configured);
  }

  /** The comma-separated key list `setting` (`API_KEYS`, ...): every key of its current list. */
  keyList(setting: SecretSetting): ApiKeys {
    const configured = this.startUpValue(setting);
    if (!Array.isArray(configured)) {
      throw new TypeError(`${setting} is not a key list secret setting`);
    }
    return this.vault.manages(setting)
      ? new KeyVaultApiKeys(this.vault, setting)
      : new StaticApiKeys(configured as string[]);
  }

  private startUpValue(setting: SecretSetting): unknown {
    if (!this.atStartUp.has(setting)) {
      // A programming error, met at start-up: a token for a setting the schema does not declare.
      throw new Error(
        `${setting} is not a secret setting of this app: list it in its keyVaultVariables`,
      );
    }
    return this.atStartUp.get(setting);
  }
}

/**
 * The provider of `token`, an app's injectable for the single-value secret `setting`:
 * `rotatingSecretProvider(AuditApiKey, 'AUDIT_API_KEY')`.
 */
export function rotatingSecretProvider(
  token: abstract new () => RotatingSecret,
  setting: SecretSetting,
): Provider {
  return {
    provide: token,
    inject: [SecretSettings],
    useFactory: (secrets: SecretSettings) => secrets.secret(setting),
  };
}

/**
 * The provider of `token`, an app's injectable for the key list `setting`:
 * `apiKeysProvider(AuditReaderKeys, 'AUDIT_READER_KEYS')`.
 */
export function apiKeysProvider(
  token: abstract new () => ApiKeys,
  setting: SecretSetting,
): Provider {
  return {
    provide: token,
    inject: [SecretSettings],
    useFactory: (secrets: SecretSettings) => secrets.keyList(setting),
  };
}
