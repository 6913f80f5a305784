import type * as AppInsights from 'applicationinsights';
import { HEALTH_PATH } from '../http/constants';
import { scrubUrlAttributes } from './url-attributes';

/** What a database span may say: the command's name, never its filter, document or values. */
const operationOnly = (_operation: string, command: Record<string, unknown>) =>
  Object.keys(command)[0] ?? 'command';

let started = false;

/** The SDK is required only when telemetry is on, so without a connection string it is never loaded. */
function loadSdk(): typeof AppInsights {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('applicationinsights') as typeof AppInsights;
}

/**
 * Starts Application Insights (OpenTelemetry distro) when `APPLICATIONINSIGHTS_CONNECTION_STRING` is set,
 * and does nothing at all otherwise: the SDK is not even loaded, so no telemetry traffic can leave.
 * Call it first in every entry point, before anything loads `http` or `mongodb`, so they are instrumented.
 *
 * Health data stays out of telemetry: database spans carry the operation and collection only, HTTP
 * spans carry no bodies or headers and no query values but page sizes, formats and inclusions
 * (`redactUrl`), and logs are not exported.
 */
export function startTelemetry(
  serviceName: string,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (started || !env.APPLICATIONINSIGHTS_CONNECTION_STRING) {
    return started;
  }
  // The cloud role name in Application Insights; an explicit OTEL_SERVICE_NAME wins.
  env.OTEL_SERVICE_NAME ??= serviceName;
  const { useAzureMonitor } = loadSdk();
  useAzureMonitor({
    azureMonitorExporterOptions: {
      connectionString: env.APPLICATIONINSIGHTS_CONNECTION_STRING,
    },
    enableLiveMetrics: false,
    instrumentationOptions: {
      http: {
        enabled: true,
        requestHook: scrubUrlAttributes,
        // Probes are not requests anyone investigates.
        ignoreIncomingRequestHook: (request: { url?: string }) =>
          request.url === HEALTH_PATH,
      } as object,
      mongoDb: {
        enabled: true,
        enhancedDatabaseReporting: false,
        dbStatementSerializer: operationOnly,
      } as object,
      azureSdk: { enabled: true },
      // Logs go to stdout (pino) where the host collects them; exporting them could carry request data.
      bunyan: { enabled: false },
      winston: { enabled: false },
      console: { enabled: false },
      mySql: { enabled: false },
      postgreSql: { enabled: false },
      redis: { enabled: false },
      redis4: { enabled: false },
    },
  });
  started = true;
  return started;
}

/** Flushes and stops telemetry (graceful shutdown); a no-op when it never started. */
export async function stopTelemetry(): Promise<void> {
  if (!started) {
    return;
  }
  const { shutdownAzureMonitor } = loadSdk();
  await shutdownAzureMonitor();
  started = false;
}
