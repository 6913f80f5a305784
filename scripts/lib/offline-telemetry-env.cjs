// Environment that turns telemetry on the way a Function App with a connection string does (the SDK
// loads, starts and instruments), while nothing leaves the machine: the ingestion endpoint is a closed
// local port, the SDK's own usage statistics are off, and WEBSITE_SITE_NAME keeps it from probing the
// Azure instance metadata endpoint. Used by the packaging warm-up and the cold-start bench, which only
// need the start-up work, not the export.
'use strict';

module.exports = Object.freeze({
  APPLICATIONINSIGHTS_CONNECTION_STRING:
    'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/',
  APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true',
  APPLICATIONINSIGHTS_SDKSTATS_DISABLED: 'true',
  WEBSITE_SITE_NAME: 'offline-telemetry',
});
