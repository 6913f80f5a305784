// Azure Functions entry (v4 programming model); `main.ts` stays the plain HTTP entry for local runs.
// Import order matters: telemetry starts first, so OpenTelemetry can patch http, mongoose and mongodb
// before anything requires them.
import './instrument';
import { registerFunctionApp } from '@app/shared/functions';
import { createPatientTestsApp } from './create-patient-tests-app';

// FUNCTIONS_WORKER_RUNTIME means "inside Azure Functions": the host checks function keys in front of
// the app, so an empty API_KEYS is allowed. The host sets it to `node`; this entry sets the same value
// when it is missing (Core Tools without local.settings.json, tests, the cold-start bench), so running
// this entry always means running behind the host. Config is parsed when the app is created, later.
process.env.FUNCTIONS_WORKER_RUNTIME ??= 'node';

/** The Function App's one HTTP function, exported for tests. */
export const handler = registerFunctionApp(
  'patient-tests',
  createPatientTestsApp,
);
