/**
 * The variables configuration is parsed from: `process.env` in the apps, a literal record in tests
 * that start both apps in one process. An abstract class so it is its own DI token.
 */
export abstract class Environment {
  [name: string]: string | undefined;
}
