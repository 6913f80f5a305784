import { API_KEY_QUERY } from '../auth/api-key-names';

/**
 * Query parameters whose values never reach logs or telemetry: the API key (`code`, as Azure
 * Functions names it), other credential-shaped names, continuation tokens (they encode an id), and
 * the patient an auditor looks up in the register (`GET /api/auditrecord?patientId=`, the audit
 * explorer's search): that a patient's accesses are being examined is itself sensitive.
 */
const SECRET_PARAMETERS = new Set([
  API_KEY_QUERY,
  'key',
  'sig',
  'token',
  'continuationtoken',
  'patientid',
]);

/** What a secret value is replaced with. */
export const REDACTED = 'REDACTED';

/** Percent-decoding never changes a name more than this often; each round undoes one encoding. */
const MAX_DECODINGS = 4;

/**
 * The name a query parser could make of `raw`, leaning towards matching: decoded as often as it
 * changes (a parser decodes once, but which parser and how often is not this rule's business),
 * `+` as space, case and surrounding space ignored, and a `[...]` suffix dropped (`code[]`).
 */
function parameterName(raw: string): string {
  let name = raw.replace(/\+/g, ' ');
  for (let round = 0; round < MAX_DECODINGS; round++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(name);
    } catch {
      break;
    }
    if (decoded === name) {
      break;
    }
    name = decoded;
  }
  return name.trim().toLowerCase().replace(/\[.*$/s, '');
}

/**
 * `query` (without `?`) with the value of every secret parameter replaced, however its name is
 * spelled: `code`, `CODE`, `%63ode`, `c%6Fde`, repeated, or as `code[]`. Everything else is kept, so
 * the shape stays useful for diagnosis.
 */
export function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const separator = pair.indexOf('=');
      const name = separator < 0 ? pair : pair.slice(0, separator);
      return separator >= 0 && SECRET_PARAMETERS.has(parameterName(name))
        ? `${name}=${REDACTED}`
        : pair;
    })
    .join('&');
}

/**
 * `url` (absolute, or a path with query) with secret query values replaced as in `redactQuery`: the
 * one rule for request logs and telemetry.
 */
export function redactUrl(url: string): string {
  const start = url.indexOf('?');
  return start < 0
    ? url
    : `${url.slice(0, start + 1)}${redactQuery(url.slice(start + 1))}`;
}
