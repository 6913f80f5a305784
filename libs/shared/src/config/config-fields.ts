import { z } from 'zod';
import type { AppHost } from './app-host';

/** Building blocks for the apps' environment schemas, so each variable is parsed the same way everywhere. */

/** A TCP port number given as a decimal string. */
export const portVariable = (defaultPort: number) =>
  z
    .string()
    .regex(/^\d{1,5}$/, 'must be a port number')
    .default(String(defaultPort))
    .transform(Number)
    .pipe(z.number().int().min(0).max(65535));

/** A positive integer given as a decimal string, bounded so a typo cannot disable a timeout. */
export const integerVariable = (
  defaultValue: number,
  min: number,
  max: number,
) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .default(String(defaultValue))
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** A comma-separated list of secrets, e.g. two API keys that overlap during a rotation. */
export const secretListVariable = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  )
  .pipe(z.array(z.string().min(16, 'each key must be at least 16 characters')));

export const mongoUriVariable = z
  .string()
  .regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI')
  .default('mongodb://127.0.0.1:27017/');

export const logLevelVariable = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  .default('info');

/**
 * The URL clients reach an app's API at, route prefix included (`https://<apim>.azure-api.net/<API
 * path>/api`), without a trailing slash. Behind API Management the API's own path is in no header the
 * app receives, so the links it gives out (Location, FHIR links) are built on this when it is set.
 */
const publicApiUrlVariable = z
  .url({
    protocol: /^https?$/,
    error:
      'must be an http(s) URL, e.g. https://<apim>.azure-api.net/<API path>/api',
  })
  .max(512)
  .optional()
  .transform((url) => url?.replace(/\/+$/, ''));

/** The variables every app reads, shared so their names and rules cannot drift apart. */
export const commonConfigShape = {
  MONGODB_URI: mongoUriVariable,
  API_KEYS: secretListVariable,
  // The secret API Management sends as x-gateway-secret (comma-separated: old,new during a rotation).
  // Unset: no request is trusted as coming through the gateway, so its headers are recorded unverified.
  GATEWAY_SECRET: secretListVariable,
  LOG_LEVEL: logLevelVariable,
  // Read by `startTelemetry` before the app (and this schema) exists; listed so the schema stays the
  // one list of variables, and so a malformed value is reported with the others.
  APPLICATIONINSIGHTS_CONNECTION_STRING: z
    .string()
    .regex(
      /(^|;)\s*(InstrumentationKey|IngestionEndpoint)=/i,
      'must be an Application Insights connection string',
    )
    .optional(),
  OTEL_SERVICE_NAME: z.string().min(1).max(128).optional(),
  // Unset (`nest start`, tests): Location headers are root-relative and FHIR links follow the request.
  PUBLIC_API_URL: publicApiUrlVariable,
};

/**
 * Rejects an empty `API_KEYS` unless the host checks keys in front of the app (`AppHost`): an app must
 * never run open by accident. Apply with `.refine(...requireApiKeysUnlessHostChecks(host))`. `when`
 * makes zod run it even when other variables are invalid, so one start-up lists every problem at once.
 */
export function requireApiKeysUnlessHostChecks(host: AppHost): [
  (config: { API_KEYS?: unknown }) => boolean,
  {
    path: PropertyKey[];
    message: string;
    when: (payload: z.core.ParsePayload) => boolean;
  },
] {
  return [
    (config) =>
      host.hostChecksKeys ||
      !(Array.isArray(config.API_KEYS) && config.API_KEYS.length === 0),
    {
      path: ['API_KEYS'],
      message:
        'must list at least one key (comma-separated) unless running inside Azure Functions',
      when: (payload) =>
        !payload.issues.some((issue) => issue.path?.[0] === 'API_KEYS'),
    },
  ];
}
