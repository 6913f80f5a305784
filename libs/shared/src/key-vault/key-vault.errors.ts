import type { SecretSetting } from './key-vault-variables';

/** One secret that could not be read, described without its value. */
export interface SecretReadFailure {
  setting: SecretSetting;
  secretName: string;
  reason: string;
}

/**
 * Start-up could not read a required secret. The message names the vault and every secret that
 * failed with the reason Key Vault or the credential gave; it never holds a secret value.
 * The underlying errors are summarised, not attached as `cause`: an Azure SDK error carries the
 * request, whose Authorization header holds a bearer token that a logger could print.
 */
export class KeyVaultError extends Error {
  constructor(
    readonly vaultUrl: string,
    readonly failures: readonly SecretReadFailure[],
  ) {
    super(
      `Could not read ${failures.length === 1 ? 'a required secret' : `${failures.length} required secrets`} ` +
        `from Key Vault ${vaultUrl}:\n${failures
          .map(
            (f) =>
              `  - secret "${f.secretName}" (for ${f.setting}): ${f.reason}`,
          )
          .join('\n')}`,
    );
    this.name = 'KeyVaultError';
  }
}

/** The parts of an error that help an operator (status, code, message), never the request. */
export function describeReadError(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }
  const { statusCode, code } = error as { statusCode?: number; code?: string };
  const prefix = [statusCode, code].filter((part) => part !== undefined);
  const message = error.message.split('\n')[0].slice(0, 500);
  return prefix.length > 0 ? `${prefix.join(' ')}: ${message}` : message;
}
