// Imported first by every entry point. It reads .env, then starts telemetry before http and mongodb are
// loaded, so they get instrumented. Both entry points are light: neither loads Nest, HTTP nor MongoDB.
import { loadDotEnv } from '@app/shared/config';
import { startTelemetry } from '@app/shared/telemetry';

loadDotEnv();
startTelemetry('patient-tests');
