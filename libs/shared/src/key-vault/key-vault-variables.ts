import { z } from 'zod';
import { integerVariable } from '../config/config-fields';

/**
 * The name of a setting that may come from Key Vault (`MONGODB_URI`, `API_KEYS`, ...). Each app lists
 * its own in `keyVaultVariables`; the rest of its configuration always comes from the environment.
 */
export type SecretSetting = string;

/** The prefix of the variables that name a setting's secret: `KEY_VAULT_SECRET_API_KEYS`, ... */
export const SECRET_NAME_PREFIX = 'KEY_VAULT_SECRET_';

/** Key Vault's own rule for secret names: 1-127 letters, digits and dashes. */
const secretName = z
  .string()
  .regex(
    /^[0-9a-zA-Z-]{1,127}$/,
    'must be a Key Vault secret name (1-127 letters, digits and dashes)',
  );

/**
 * A secret name variable. With a default the setting is read from the vault unless the environment
 * sets it; without one (`null`) only when the variable names a secret, for an optional setting whose
 * absence from the vault must not stop start-up.
 */
const secretNameVariable = (defaultName: string | null) =>
  defaultName === null
    ? secretName.optional()
    : secretName.default(defaultName);

type SecretNameShape<S extends SecretSetting> = {
  [K in S as `${typeof SECRET_NAME_PREFIX}${K}`]: ReturnType<
    typeof secretNameVariable
  >;
};

/**
 * The Key Vault variables of an app's configuration schema, to spread into it so the schema stays
 * the one list of variables: `KEY_VAULT_URI` (unset: everything comes from the environment),
 * `KEY_VAULT_REFRESH_SECONDS` (default 300) and one `KEY_VAULT_SECRET_<SETTING>` per secret setting,
 * defaulting to `defaultNames[SETTING]` (`null`: no default, the setting is read from the vault only
 * when its variable names a secret).
 *
 * @example keyVaultVariables({ MONGODB_URI: 'mongodb-uri', API_KEYS: 'audit-api-keys', GATEWAY_SECRET: null })
 */
export function keyVaultVariables<S extends SecretSetting>(
  defaultNames: Record<S, string | null>,
) {
  const names = Object.fromEntries(
    Object.entries<string | null>(defaultNames).map(([setting, name]) => [
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
