/** FHIR's JSON media type: every FHIR response, errors included. */
export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** Media types (and `_format` values) a client may ask for and get FHIR JSON. */
export const JSON_FORMATS: ReadonlySet<string> = new Set([
  'json',
  'application/json',
  'application/fhir+json',
  // DSTU2's name, still sent by some clients.
  'application/json+fhir',
]);
