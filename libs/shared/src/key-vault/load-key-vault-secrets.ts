import { z } from 'zod';
import { parseConfig } from '../config/parse-config';
import { KeyVaultSecrets, SecretBinding } from './key-vault-secrets';
import { SECRET_NAME_PREFIX } from './key-vault-variables';
import { SecretClientFactory } from './secret-client-factory';

/**
 * App Service leaves an app setting's literal `@Microsoft.KeyVault(...)` in place when it cannot
 * resolve the reference; reading the secret ourselves then gives a clear error instead of a bad value.
 */
const UNRESOLVED_REFERENCE = /^@Microsoft\.KeyVault\(/;

const setInEnvironment = (value: string | undefined) =>
  value !== undefined && value !== '' && !UNRESOLVED_REFERENCE.test(value);

/**
 * Decides, from an app's configuration schema, which secret settings come from Key Vault, and reads
 * them. Nothing is read when `KEY_VAULT_URI` is unset, and a setting given in the environment wins
 * (that is how App Service Key Vault references arrive) and is then never refreshed.
 * Validates each value with the schema's own field, so a secret the app cannot use fails start-up.
 *
 * @param shape the app's configuration object shape, including {@link keyVaultVariables}
 */
export async function loadKeyVaultSecrets(
  shape: Readonly<Record<string, z.ZodType>>,
  env: Readonly<Record<string, string | undefined>>,
  clients: SecretClientFactory,
): Promise<KeyVaultSecrets> {
  const keyVaultShape = Object.fromEntries(
    Object.entries(shape).filter(([name]) => name.startsWith('KEY_VAULT_')),
  );
  const variables = parseConfig(z.object(keyVaultShape), env) as Record<
    string,
    unknown
  > & { KEY_VAULT_URI?: string; KEY_VAULT_REFRESH_SECONDS: number };
  if (!variables.KEY_VAULT_URI) {
    return KeyVaultSecrets.none();
  }
  const bindings: SecretBinding[] = Object.keys(keyVaultShape)
    .filter((name) => name.startsWith(SECRET_NAME_PREFIX))
    .map((name) => name.slice(SECRET_NAME_PREFIX.length))
    .filter((setting) => !setInEnvironment(env[setting]))
    // An optional setting whose secret name variable is unset is not read from the vault.
    .filter(
      (setting) => variables[`${SECRET_NAME_PREFIX}${setting}`] !== undefined,
    )
    .map((setting) => ({
      setting,
      secretName: variables[`${SECRET_NAME_PREFIX}${setting}`] as string,
      validate: (value: string) => {
        const result = shape[setting].safeParse(value);
        return result.success ? [] : result.error.issues.map((i) => i.message);
      },
    }));
  if (bindings.length === 0) {
    return KeyVaultSecrets.none();
  }
  return KeyVaultSecrets.load(
    variables.KEY_VAULT_URI,
    await clients.create(variables.KEY_VAULT_URI),
    bindings,
    variables.KEY_VAULT_REFRESH_SECONDS,
  );
}
