import {
  Logger,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import {
  describeReadError,
  KeyVaultError,
  SecretReadFailure,
} from './key-vault.errors';
import type { SecretSetting } from './key-vault-variables';
import type { SecretReader } from './secret-client-factory';

/** Where one setting comes from in the vault, and what the app accepts as its value. */
export interface SecretBinding {
  setting: SecretSetting;
  secretName: string;
  /** Problems with a value (never echoing it); empty when the app can use it. */
  validate(value: string): string[];
}

interface CachedSecret {
  value: string;
  version?: string;
  readAt: Date;
}

/**
 * A read that hangs must not hold up a request waiting on a forced refresh for long, nor stack up
 * background refreshes; the SDK's own retries run inside this bound.
 */
export const SECRET_READ_TIMEOUT_MS = 5000;

/**
 * The secret settings an app reads from Key Vault, cached and re-read in the background every
 * `KEY_VAULT_REFRESH_SECONDS`, so a rotated secret takes effect without a restart.
 *
 * - Reads are synchronous from the cache (the API key guard runs on every request).
 * - A failed or invalid re-read keeps the last good value and logs a warning: a vault outage must not
 *   take the app down with it.
 * - Settings that are not managed here (set in the environment, or no `KEY_VAULT_URI`) answer
 *   `undefined`; `SecretSettings` then serves the environment's value, so callers never choose.
 *
 * Provided by the apps' config modules; Nest stops the timer on shutdown (`onModuleDestroy`).
 */
export class KeyVaultSecrets
  implements OnApplicationBootstrap, OnModuleDestroy
{
  private readonly logger = new Logger(KeyVaultSecrets.name);
  private readonly cache = new Map<SecretSetting, CachedSecret>();
  private readonly pending = new Map<SecretSetting, Promise<void>>();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  private constructor(
    /** The vault read from; undefined when nothing is. */
    readonly vaultUrl: string | undefined,
    private readonly client: SecretReader | undefined,
    private readonly bindings: readonly SecretBinding[],
    private readonly refreshMs: number,
  ) {}

  /** Nothing comes from Key Vault: every secret setting is read from the environment. */
  static none(): KeyVaultSecrets {
    return new KeyVaultSecrets(undefined, undefined, [], 0);
  }

  /**
   * Reads every bound secret once, in parallel. Throws {@link KeyVaultError} naming the vault and
   * each secret that could not be read or is unusable, so start-up fails with one clear message.
   */
  static async load(
    vaultUrl: string,
    client: SecretReader,
    bindings: readonly SecretBinding[],
    refreshSeconds: number,
  ): Promise<KeyVaultSecrets> {
    const secrets = new KeyVaultSecrets(
      vaultUrl,
      client,
      bindings,
      refreshSeconds * 1000,
    );
    const failures: SecretReadFailure[] = [];
    await Promise.all(
      bindings.map(async (binding) => {
        try {
          secrets.cache.set(binding.setting, await secrets.read(binding));
        } catch (error) {
          failures.push({
            setting: binding.setting,
            secretName: binding.secretName,
            reason: secrets.redact(describeReadError(error)),
          });
        }
      }),
    );
    if (failures.length > 0) {
      throw new KeyVaultError(vaultUrl, failures);
    }
    return secrets;
  }

  /** True when `setting` is read from Key Vault (and so may change while the app runs). */
  manages(setting: SecretSetting): boolean {
    return this.bindings.some((binding) => binding.setting === setting);
  }

  /** The cached value of `setting`, or undefined when it is not read from Key Vault. */
  current(setting: SecretSetting): string | undefined {
    return this.cache.get(setting)?.value;
  }

  /** The values read so far, to lay over the environment when the settings are checked at start-up. */
  values(): Partial<Record<SecretSetting, string>> {
    return Object.fromEntries(
      [...this.cache].map(([setting, secret]) => [setting, secret.value]),
    );
  }

  /**
   * Re-reads `setting` now, e.g. after the audit API rejected the cached key, and resolves to the
   * value then current (the old one if the read failed). Concurrent callers share one read, so a
   * burst of 401s costs the vault a single request.
   */
  async refresh(setting: SecretSetting): Promise<string | undefined> {
    const binding = this.bindings.find((b) => b.setting === setting);
    if (binding === undefined) {
      return undefined;
    }
    let pending = this.pending.get(setting);
    if (pending === undefined) {
      pending = this.reread(binding).finally(() =>
        this.pending.delete(setting),
      );
      this.pending.set(setting, pending);
    }
    await pending;
    return this.current(setting);
  }

  /** Re-reads every managed setting; never rejects (failures are logged and the old values kept). */
  async refreshAll(): Promise<void> {
    await Promise.all(this.bindings.map((b) => this.refresh(b.setting)));
  }

  onApplicationBootstrap(): void {
    this.stopped = false;
    this.schedule();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One timer at a time, re-armed after each pass, so a slow vault never gets overlapping passes. */
  private schedule(): void {
    if (this.stopped || this.bindings.length === 0 || this.timer) {
      return;
    }
    this.timer = setTimeout(() => {
      void this.refreshAll().finally(() => {
        this.timer = undefined;
        this.schedule();
      });
    }, this.refreshMs);
    // Never the reason the process stays alive.
    this.timer.unref();
  }

  private async read(binding: SecretBinding): Promise<CachedSecret> {
    const secret = await this.client!.getSecret(binding.secretName, {
      abortSignal: AbortSignal.timeout(SECRET_READ_TIMEOUT_MS),
    });
    if (secret.value === undefined || secret.value === '') {
      throw new Error('the secret has no value');
    }
    const problems = binding.validate(secret.value);
    if (problems.length > 0) {
      throw new Error(`the value is not usable: ${problems.join('; ')}`);
    }
    return {
      value: secret.value,
      version: secret.properties.version,
      readAt: new Date(),
    };
  }

  private async reread(binding: SecretBinding): Promise<void> {
    const { setting, secretName } = binding;
    const previous = this.cache.get(setting);
    try {
      const next = await this.read(binding);
      this.cache.set(setting, next);
      if (previous?.value !== next.value) {
        this.logger.log(
          `Key Vault ${this.vaultUrl}: secret "${secretName}" (${setting}) changed, now version ${next.version ?? 'unknown'}`,
        );
      }
    } catch (error) {
      this.logger.warn(
        `Key Vault ${this.vaultUrl}: could not refresh secret "${secretName}" (${setting}); ` +
          `keeping the value read at ${previous?.readAt.toISOString() ?? 'start-up'}. ` +
          this.redact(describeReadError(error)),
      );
    }
  }

  /** Belt and braces: no cached secret, nor any single key of a list, may leave in a message. */
  private redact(message: string): string {
    let redacted = message;
    for (const { value } of this.cache.values()) {
      for (const part of [value, ...value.split(',')]) {
        const secret = part.trim();
        if (secret.length >= 8) {
          redacted = redacted.split(secret).join('[redacted]');
        }
      }
    }
    return redacted;
  }
}
