// Azure Functions entry (v4 programming model); `main.ts` stays the plain HTTP entry for local runs.
// Import order matters: telemetry starts first, so OpenTelemetry can patch http, mongoose and mongodb
// before anything requires them.
import './instrument';
import { registerFunctionApp } from '@app/shared/functions';
import { createPatientTestsApp } from './create-patient-tests-app';

/**
 * The Function App's one HTTP function, exported for tests. The host checks function keys in front of
 * the app, so an empty API_KEYS is allowed here (and only here).
 */
export const handler = registerFunctionApp(
  'patient-tests',
  createPatientTestsApp,
  { hostChecksKeys: true },
);
