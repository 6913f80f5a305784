import { z } from 'zod';
import { integerVariable } from '../config/config-fields';

/**
 * The settings that may come from Key Vault. Each app lists the ones it reads (audit has no
 * `AUDIT_API_KEY`); the rest of its configuration always comes from the environment.
 */
export type SecretSetting = 'MONGODB_URI' | 'API_KEYS' | 'AUDIT_API_KEY';

/** The prefix of the variables that name a setting's secret: `KEY_VAULT_SECRET_API_KEYS`, ... */
export const SECRET_NAME_PREFIX = 'KEY_VAULT_SECRET_';

/** Key Vault's own rule for secret names: 1-127 letters, digits and dashes. */
const secretNameVariable = (defaultName: string) =>
  z
    .string()
    .regex(
      /^[0-9a-zA-Z-]{1,127}$/,
      'must be a Key Vault secret name (1-127 letters, digits and dashes)',
    )
    .default(defaultName);

type SecretNameShape<S extends SecretSetting> = {
  [K in S as `${typeof SECRET_NAME_PREFIX}${K}`]: ReturnType<
    typeof secretNameVariable
  >;
};

/**
 * The Key Vault variables of an app's configuration schema, to spread into it so the schema stays
 * the one list of variables: `KEY_VAULT_URI` (unset: everything comes from the environment),
 * `KEY_VAULT_REFRESH_SECONDS` (default 300) and one `KEY_VAULT_SECRET_<SETTING>` per secret setting,
 * defaulting to `defaultNames[SETTING]`.
 *
 * @example keyVaultVariables({ MONGODB_URI: 'mongodb-uri', API_KEYS: 'audit-api-keys' })
 */
export function keyVaultVariables<S extends SecretSetting>(
  defaultNames: Record<S, string>,
) {
  const names = Object.fromEntries(
    Object.entries<string>(defaultNames).map(([setting, name]) => [
      `${SECRET_NAME_PREFIX}${setting}`,
      secretNameVariable(name),
    ]),
  ) as SecretNameShape<S>;
  return {
    KEY_VAULT_URI: z
      .url({
        protocol: /^https$/,
        error: 'must be the vault URI, e.g. https://my-vault.vault.azure.net/',
      })
      .max(2048)
      .optional(),
    // At most a day: a longer interval would outlast the rotation overlap documented in docs/key-vault.md.
    KEY_VAULT_REFRESH_SECONDS: integerVariable(300, 1, 86400),
    ...names,
  };
}
