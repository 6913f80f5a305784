// `@app/shared/config`: parsing an app's environment into a typed, frozen config. Light on purpose
// (zod and node:fs only), so `instrument.ts` can read `.env` before anything else is loaded.
export { loadDotEnv } from './dot-env';
export { Environment } from './environment';
export {
  commonConfigShape,
  integerVariable,
  portVariable,
  requireApiKeysUnlessHostChecks,
  secretListVariable,
} from './config-fields';
export { AppHost, PLAIN_HTTP_HOST } from './app-host';
export { ConfigError, configToken, parseConfig } from './parse-config';
