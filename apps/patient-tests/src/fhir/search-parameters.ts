import { BadRequestError } from '@app/shared/errors';
import { MAX_PAGE_SIZE } from '@app/shared/http';
import { FHIR_CONTENT_TYPE } from './fhir-wire';

/** The page size when a search names no `_count`. */
export const DEFAULT_FHIR_PAGE_SIZE = 50;
/** The query parameter of a `next` link: the JSON API's continuation token, unchanged. */
export const CONTINUATION_PARAMETER = '_continuationToken';
const MAX_VALUE_LENGTH = 256;
const MAX_VALUES_PER_SEARCH = 32;

/** One `name[:modifier]=value` of a search. */
export interface SearchValue {
  modifier?: string;
  value: string;
}

/** A search parameter a resource supports, with the modifiers it accepts (none: plain values only). */
export interface SearchParameterDefinition {
  modifiers?: readonly string[];
}

/**
 * Everything one resource's search takes: its parameters and the `_include` / `_revinclude` values it
 * answers (none where absent). The CapabilityStatement is built from the same object.
 */
export interface ResourceSearch {
  parameters: Readonly<Record<string, SearchParameterDefinition>>;
  includes?: readonly string[];
  revIncludes?: readonly string[];
}

export interface ParsedSearch {
  /** The supported parameters given, by name; repeated ones are ANDed. */
  values: Map<string, SearchValue[]>;
  count: number;
  continuationToken?: string;
  /** The `_include` / `_revinclude` values given that the resource supports. */
  includes: string[];
  revIncludes: string[];
  /** What the self link repeats: the parameters the search applied. */
  applied: [string, string][];
}

/** Parameters that are not search criteria (`_format`: JSON only). */
const CONTROL_PARAMETERS = new Set(['_format', '_pretty']);
const JSON_FORMATS = new Set(['json', 'application/json', FHIR_CONTENT_TYPE]);

const invalidSearch = (detail: string) =>
  new BadRequestError('INVALID_SEARCH', detail);

/** The `Prefer: handling=strict|lenient` of a search (lenient when absent, as the spec allows). */
export function isStrict(prefer: string | undefined): boolean {
  return (prefer ?? '')
    .split(/[;,]/)
    .some((part) => part.trim().toLowerCase() === 'handling=strict');
}

function valuesOf(raw: unknown): string[] {
  const list = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  return list.map((value) => {
    if (typeof value !== 'string') {
      throw invalidSearch('Search parameters must be plain values.');
    }
    if (value.length > MAX_VALUE_LENGTH) {
      throw invalidSearch(
        `A search value is longer than ${MAX_VALUE_LENGTH} characters.`,
      );
    }
    return value;
  });
}

/**
 * Reads a FHIR search query: the parameters `resource` lists (with their modifiers), `_count`, the
 * continuation token and the inclusions it supports. An unknown parameter, a modifier a parameter does
 * not take, or an inclusion the resource does not answer, is a 400 under `Prefer: handling=strict` and
 * ignored (left out of the self link) otherwise. An empty value is ignored, as the spec says.
 */
export function parseSearch(
  query: Record<string, unknown>,
  resource: ResourceSearch,
  { strict }: { strict: boolean },
): ParsedSearch {
  // Functions' name for a query key is `code`; where it is not the resource's own parameter, it is the key.
  const keyParameter = !Object.hasOwn(resource.parameters, 'code');
  const parsed: ParsedSearch = {
    values: new Map(),
    count: DEFAULT_FHIR_PAGE_SIZE,
    includes: [],
    revIncludes: [],
    applied: [],
  };
  let total = 0;
  for (const [key, raw] of Object.entries(query)) {
    if (keyParameter && key === 'code') {
      continue;
    }
    for (const value of valuesOf(raw)) {
      if ((total += 1) > MAX_VALUES_PER_SEARCH) {
        throw invalidSearch(
          `A search takes at most ${MAX_VALUES_PER_SEARCH} parameters.`,
        );
      }
      readParameter(parsed, key, value, resource.parameters, strict);
    }
  }
  // Checked once every parameter is, _include before _revinclude: which error a strict search names
  // does not depend on the order of the query.
  parsed.includes = supportedInclusions(
    '_include',
    parsed.includes,
    resource.includes,
    strict,
  );
  parsed.revIncludes = supportedInclusions(
    '_revinclude',
    parsed.revIncludes,
    resource.revIncludes,
    strict,
  );
  return parsed;
}

/**
 * The inclusions in `allowed`; any other is refused when strict, else dropped, so that the self link
 * does not claim an inclusion the bundle does not carry.
 */
function supportedInclusions(
  parameter: '_include' | '_revinclude',
  values: string[],
  allowed: readonly string[] = [],
  strict: boolean,
): string[] {
  const unsupported = values.find((value) => !allowed.includes(value));
  if (strict && unsupported !== undefined) {
    throw invalidSearch(
      `The inclusion ${parameter}=${unsupported} is not supported on this search.`,
    );
  }
  return values.filter((value) => allowed.includes(value));
}

function readParameter(
  parsed: ParsedSearch,
  key: string,
  value: string,
  definitions: Readonly<Record<string, SearchParameterDefinition>>,
  strict: boolean,
): void {
  const unsupported = (detail: string) => {
    if (strict) {
      throw invalidSearch(detail);
    }
  };
  if (CONTROL_PARAMETERS.has(key)) {
    if (key === '_format' && !JSON_FORMATS.has(value)) {
      throw new BadRequestError(
        'UNSUPPORTED_FORMAT',
        'Only JSON is served (_format=json).',
      );
    }
    return;
  }
  if (key === '_count') {
    if (!/^\d{1,4}$/.test(value) || Number(value) < 1) {
      throw invalidSearch('_count must be a whole number from 1.');
    }
    // A server may return fewer than asked; more than a page of the JSON API is never served.
    parsed.count = Math.min(Number(value), MAX_PAGE_SIZE);
    parsed.applied.push(['_count', String(parsed.count)]);
    return;
  }
  if (key === CONTINUATION_PARAMETER) {
    parsed.continuationToken = value;
    return;
  }
  if (key === '_include' || key === '_revinclude') {
    (key === '_include' ? parsed.includes : parsed.revIncludes).push(value);
    return;
  }
  const [name, modifier, ...rest] = key.split(':');
  // Own keys only: `constructor` or `toString` must not pass as parameters through the prototype.
  const definition = Object.hasOwn(definitions, name)
    ? definitions[name]
    : undefined;
  if (!definition) {
    return unsupported(`The search parameter ${name} is not supported.`);
  }
  if (
    rest.length > 0 ||
    (modifier !== undefined && !definition.modifiers?.includes(modifier))
  ) {
    return unsupported(
      `The modifier :${modifier} is not supported on ${name}.`,
    );
  }
  if (value === '') {
    return;
  }
  const values = parsed.values.get(name) ?? [];
  values.push({ modifier, value });
  parsed.values.set(name, values);
  parsed.applied.push([key, value]);
}

/** A date search value: its prefix (`eq`, `ge`, `le`) and the date. */
export function datePrefixOf(
  value: string,
  supported: readonly string[] = ['eq', 'ge', 'le'],
): { prefix: string; date: string } {
  const match = /^([a-z]{2})?(\d{4}(?:-\d{2}(?:-\d{2})?)?)$/.exec(value);
  if (!match) {
    throw invalidSearch(
      'A date search value is [eq|ge|le]YYYY, YYYY-MM or YYYY-MM-DD.',
    );
  }
  const prefix = match[1] ?? 'eq';
  if (!supported.includes(prefix)) {
    throw invalidSearch(
      `The date prefix ${prefix} is not supported (${supported.join(', ')}).`,
    );
  }
  return { prefix, date: match[2] };
}

/** The first and last day a partial date (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) covers, as strings. */
export function dateRangeOf(date: string): { first: string; last: string } {
  const [year, month, day] = date.split('-');
  if (day !== undefined) {
    return { first: date, last: date };
  }
  if (month !== undefined) {
    const lastDay = new Date(Date.UTC(Number(year), Number(month), 0));
    return { first: `${date}-01`, last: lastDay.toISOString().slice(0, 10) };
  }
  return { first: `${year}-01-01`, last: `${year}-12-31` };
}

/** A token search value `[system|]code`: the system is undefined when not given. */
export function tokenOf(value: string): { system?: string; code: string } {
  const bar = value.indexOf('|');
  return bar < 0
    ? { code: value }
    : { system: value.slice(0, bar), code: value.slice(bar + 1) };
}
