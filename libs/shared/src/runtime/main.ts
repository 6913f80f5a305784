import { existsSync } from 'node:fs';

/** Reads `.env` from the working directory when present; variables already set win over it. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) {
    process.loadEnvFile(path);
  }
}

/**
 * Runs an entry point; a failure to start prints its message (for a configuration error, the list
 * of bad variables) and exits 1, instead of an unhandled rejection's stack trace.
 */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(
      `Start-up failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}
