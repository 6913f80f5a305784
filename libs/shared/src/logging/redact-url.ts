/**
 * The only query values that reach logs and telemetry: parameters that carry neither a secret nor
 * anything about a person, and only in the shape the apps accept for them. Every other value (the
 * API key `code`, continuation tokens, a FHIR search's `family`, `birthdate`, `identifier`,
 * `patient`, `_id`, `date`, the register's `patientId`, and any name not listed here) is
 * `REDACTED`: a new parameter is private until someone decides otherwise here.
 *
 * Listed because they say how a search was asked, not what about:
 * - `limit` (JSON API pages) and `_count` (FHIR pages): a page size, a number.
 * - `_format`: which serialisation a FHIR client asked for (it explains a 406), a known format name.
 * - `_pretty`: FHIR's layout switch, `true` or `false`.
 * - `_include`, `_revinclude`: which related resources a FHIR search adds, `Type:parameter` or
 *   `*`; they name a resource type and a search parameter, never a value.
 *
 * Not listed, though structural: `from`/`to` (instants or sequences in the audit API, and an
 * instant next to a patient is health data), `resourceType` (free text in the audit query), and
 * FHIR's `_sort`, `_summary`, `_total` and `_elements`, which no app accepts.
 *
 * The shape is checked too, so that a value only passes for what it is meant to be: a name typed
 * into `_count`, or `limit=5;family=Doe` for a parser that splits on `;`, is redacted.
 */
const SHAPE_OF_SAFE_VALUE: ReadonlyMap<string, RegExp> = (() => {
  const pageSize = /^\d{1,6}$/;
  // No third `:Type` part: a capitalised word there could as well be a surname.
  const inclusion = /^(?:\*|[A-Z][A-Za-z]{0,63}:(?:\*|[a-z][a-z0-9-]{0,63}))$/;
  return new Map([
    ['limit', pageSize],
    ['_count', pageSize],
    [
      '_format',
      /^(?:json|xml|ttl|html|(?:application|text)\/(?:fhir\+)?(?:json|xml|turtle|html)|application\/json\+fhir)$/i,
    ],
    ['_pretty', /^(?:true|false)$/],
    ['_include', inclusion],
    ['_revinclude', inclusion],
  ]);
})();

/** What a value that may not be logged is replaced with. */
export const REDACTED = 'REDACTED';

/** Percent-decoding never changes a name more than this often; each round undoes one encoding. */
const MAX_DECODINGS = 4;

/**
 * `raw` decoded as often as that changes it (a parser decodes once, but which parser and how often
 * is not this rule's business). Where decoding fails the text stays partly encoded, which no safe
 * shape and no listed name contains.
 */
function decodedFully(raw: string): string {
  let text = raw;
  for (let round = 0; round < MAX_DECODINGS; round++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(text);
    } catch {
      break;
    }
    if (decoded === text) {
      break;
    }
    text = decoded;
  }
  return text;
}

/**
 * The name a query parser could make of `raw`: decoded, `+` as space, case and surrounding space
 * ignored, and an array suffix `[]` dropped (`limit[]`). Anything else inside brackets stays, so
 * `limit[family]` is not `limit`: with an allow-list, a looser match is what would let a value out.
 */
function parameterName(raw: string): string {
  return decodedFully(raw.replace(/\+/g, ' '))
    .trim()
    .toLowerCase()
    .replace(/\[\]$/, '');
}

/** Whether the value of parameter `rawName` may be written as it is. */
function isSafeValue(rawName: string, rawValue: string): boolean {
  const shape = SHAPE_OF_SAFE_VALUE.get(parameterName(rawName));
  return shape !== undefined && shape.test(decodedFully(rawValue));
}

/**
 * `query` (without `?`) with every parameter's name kept, so the shape stays useful for diagnosis,
 * and every value replaced by `REDACTED` unless the parameter is one of the few that carry no
 * personal data or secret (page sizes, formats, inclusions) and the value has the shape those take.
 * A listed name is recognised however spelled (`_COUNT`, `%5Fcount`, `_count[]`, repeated); an
 * unlisted one is redacted however spelled (`code`, `%63ode`, `family:exact`, `Birthdate`). A
 * parameter without `=` is kept only when it is a listed name; any other bare word is `REDACTED`.
 */
export function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const separator = pair.indexOf('=');
      if (separator < 0) {
        // A bare word is a name only to a parser; to a log it may as well be a surname.
        return SHAPE_OF_SAFE_VALUE.has(parameterName(pair)) ? pair : REDACTED;
      }
      const name = pair.slice(0, separator);
      return isSafeValue(name, pair.slice(separator + 1))
        ? pair
        : `${name}=${REDACTED}`;
    })
    .join('&');
}

/**
 * `url` (absolute, or a path with query) with its query values redacted as in `redactQuery`: the
 * one rule for request logs and telemetry. The path is kept as it is.
 */
export function redactUrl(url: string): string {
  const start = url.indexOf('?');
  return start < 0
    ? url
    : `${url.slice(0, start + 1)}${redactQuery(url.slice(start + 1))}`;
}
