import { z } from 'zod';

/**
 * Thrown when the environment does not satisfy an app's configuration schema.
 * The message lists every bad variable at once, so one restart fixes them all.
 */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/**
 * Parses `env` once with `schema` and returns a frozen, typed configuration.
 * The schema is the single list of variables an app reads; values are never echoed back in errors
 * because some of them are secrets.
 */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): Readonly<z.output<S>> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map(
        (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
      ),
    );
  }
  return Object.freeze(result.data);
}

/**
 * A class to use as the DI token of a parsed configuration: `class AppConfig extends configToken<T>() {}`
 * is injected by class (no Symbol, no `@Inject`) and typed with the schema's fields, so the field list
 * is never written twice. Its instance is the frozen object `parseConfig` returned.
 */
export function configToken<T>() {
  return class {} as unknown as abstract new () => Readonly<T>;
}
