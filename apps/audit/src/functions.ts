// Azure Functions entry (v4 programming model); `main.ts` stays the plain HTTP entry for local runs.
// Import order matters: telemetry starts first, so OpenTelemetry can patch http, mongoose and mongodb
// before anything requires them.
import './instrument';
import { registerFunctionApp } from '@app/shared/functions';
import { createAuditApp } from './create-audit-app';
import { registerExplorerFunction } from './explorer/explorer-function';

/**
 * The Function App's one HTTP function, exported for tests. The host checks function keys in front of
 * the app; audit still needs API_KEYS, to tell append keys from reader keys.
 */
export const handler = registerFunctionApp('audit', createAuditApp, {
  hostChecksKeys: true,
});
registerExplorerFunction(handler);
