import { KeyVaultSecrets } from './key-vault-secrets';

/**
 * One secret that may be rotated while the app runs. Callers ask it (the configuration does not hold
 * it), so none has to choose between Key Vault's copy and the environment's value. An app provides one
 * injectable per secret: an abstract subclass as the DI token, provided by `rotatingSecretProvider`.
 */
export abstract class RotatingSecret {
  /** The value to use now. */
  abstract current(): string;
  /**
   * Re-reads the secret now (e.g. after the receiver rejected it) and resolves to the value then
   * current: the same as before when it is not in Key Vault or the read failed.
   */
  abstract refresh(): Promise<string>;
}

/** `setting` as Key Vault holds it now when the vault manages it, else `configured` (the environment's). */
export function rotatingSecret(
  secrets: KeyVaultSecrets,
  setting: string,
  configured: string,
): RotatingSecret {
  return {
    current: () => secrets.current(setting) ?? configured,
    refresh: async () => (await secrets.refresh(setting)) ?? configured,
  };
}
