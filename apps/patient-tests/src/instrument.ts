// Imported first by every entry point. It reads .env, then starts telemetry before http and mongodb are
// loaded, so they get instrumented. Deep imports on purpose: the library's index would load them first.
import { loadDotEnv } from '../../../libs/shared/src/runtime/main';
import { startTelemetry } from '../../../libs/shared/src/telemetry/telemetry';

loadDotEnv();
startTelemetry('patient-tests');
