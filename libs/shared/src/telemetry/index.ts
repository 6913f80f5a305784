// `@app/shared/telemetry`: Application Insights / OpenTelemetry. Loads neither Nest, HTTP nor
// MongoDB, so it can start before them and instrument them (see apps/*/src/instrument.ts).
export { startTelemetry } from './telemetry';
