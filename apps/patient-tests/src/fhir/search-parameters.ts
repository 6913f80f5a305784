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

export interface ParsedSearch {
  /** The supported parameters given, by name; repeated ones are ANDed. */
  values: Map<string, SearchValue[]>;
  count: number;
  continuationToken?: string;
  /** `_include` / `_revinclude` values, checked by the resource's search. */
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
 * Reads a FHIR search query: the parameters `definitions` lists (with their modifiers), `_count`, the
 * continuation token and the includes. An unknown parameter, or a modifier a parameter does not
 * take, is a 400 under `Prefer: handling=strict` and ignored (left out of the self link) otherwise.
 * An empty value is ignored, as the spec says.
 */
export function parseSearch(
  query: Record<string, unknown>,
  definitions: Readonly<Record<string, SearchParameterDefinition>>,
  {
    strict,
    keyParameter,
  }: {
    strict: boolean;
    /** True where `code` is the API key (Functions' name), not a search parameter of the resource. */
    keyParameter: boolean;
  },
): ParsedSearch {
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
      readParameter(parsed, key, value, definitions, strict);
    }
  }
  return parsed;
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
  const definition = definitions[name];
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
