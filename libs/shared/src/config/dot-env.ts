import { existsSync } from 'node:fs';

/** Reads `.env` from the working directory when present; variables already set win over it. */
export function loadDotEnv(path = '.env'): void {
  if (existsSync(path)) {
    process.loadEnvFile(path);
  }
}
