import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@app/shared/http';
import { BadRequestError } from '@app/shared/errors';
import { CALLER_SYSTEM } from './fhir-namespace';
import {
  dateRangeOf,
  Handling,
  InstantRange,
  invalidSearch,
  MAX_VALUES,
  orValues,
} from './search-values';

/** A reference search value: `[[base/]Type/]id`. */
export interface EntityReference {
  type?: string;
  id: string;
}

/** One search parameter occurrence; the values of one occurrence are ORed, occurrences ANDed. */
export type Criterion =
  | { on: 'entity'; anyOf: EntityReference[] }
  | { on: 'patient'; anyOf: string[] }
  | { on: 'agent'; anyOf: string[] }
  | { on: 'recorded'; range: InstantRange }
  | { on: 'id'; anyOf: string[] };

/** An AuditEvent search as the request states it. */
export interface AuditEventSearch {
  criteria: Criterion[];
  count: number;
  continuationToken?: string;
  /** The search parameters applied, as received, in order: what self and next links repeat. */
  applied: [string, string][];
  /** Unknown or unsupported parameters that lenient handling ignored. */
  ignored: string[];
}

/** The query parameter that carries the position of the next page in a `next` link. */
export const CONTINUATION_PARAMETER = 'continuationToken';

/** Parameters that are not search criteria: the Functions key, and formats (checked by FhirFormatGuard). */
const NOT_CRITERIA = new Set(['code', '_format', '_pretty']);

/** Ids may hold spaces (the register keeps ids as requests named them), not slashes. */
const REFERENCE =
  /^(?:https?:\/\/[^\s]+?\/)?(?:([A-Z][A-Za-z]{0,63})\/)?([^/]+)$/;
const RESOURCE_TYPE = /^[A-Z][A-Za-z]{0,63}$/;
const MAX_ID_LENGTH = 128;
const MAX_CRITERIA = 20;

function referenceOf(name: string, value: string): EntityReference {
  const match = REFERENCE.exec(value);
  if (!match || match[2].length > MAX_ID_LENGTH) {
    throw invalidSearch(
      `${name}: expected an id or a reference Type/id (ids up to ${MAX_ID_LENGTH} characters).`,
    );
  }
  return match[1] === undefined
    ? { id: match[2] }
    : { type: match[1], id: match[2] };
}

function entityCriterion(
  name: string,
  modifier: string | undefined,
  values: string[],
): Criterion {
  if (modifier !== undefined && !RESOURCE_TYPE.test(modifier)) {
    throw unsupportedModifier(name);
  }
  const anyOf = values.map((value) => {
    const reference = referenceOf(name, value);
    if (
      modifier !== undefined &&
      reference.type !== undefined &&
      reference.type !== modifier
    ) {
      throw invalidSearch(
        `${name}: the reference's type differs from the modifier.`,
      );
    }
    return { type: modifier ?? reference.type, id: reference.id };
  });
  return { on: 'entity', anyOf };
}

function patientCriterion(
  name: string,
  modifier: string | undefined,
  values: string[],
): Criterion {
  if (modifier !== undefined && modifier !== 'Patient') {
    throw unsupportedModifier(name);
  }
  const anyOf = values.map((value) => {
    const reference = referenceOf(name, value);
    if (reference.type !== undefined && reference.type !== 'Patient') {
      throw invalidSearch(`${name}: expected a Patient id or Patient/<id>.`);
    }
    return reference.id;
  });
  return { on: 'patient', anyOf };
}

/**
 * `agent=<caller>` or `agent:identifier=[system|]<caller>`: a caller is `key:<fingerprint>` or
 * `subscription:<id>`, the verified caller or the client a service acted for. An identifier of
 * another system names no caller of ours, so it matches nothing.
 */
function agentCriterion(
  name: string,
  modifier: string | undefined,
  values: string[],
): Criterion {
  if (modifier !== undefined && modifier !== 'identifier') {
    throw unsupportedModifier(name);
  }
  const anyOf = values.flatMap((value) => {
    if (modifier === undefined) {
      return [value];
    }
    const bar = value.indexOf('|');
    if (bar < 0) {
      return [value];
    }
    const system = value.slice(0, bar);
    return system === '' || system === CALLER_SYSTEM
      ? [value.slice(bar + 1)]
      : [];
  });
  return { on: 'agent', anyOf };
}

function countOf(value: string): number {
  if (!/^\d{1,6}$/.test(value) || Number(value) < 1) {
    throw invalidSearch(
      `_count: expected a whole number from 1 (at most ${MAX_PAGE_SIZE} are returned).`,
    );
  }
  // FHIR lets a server return fewer than asked: larger pages are cut to the JSON API's largest.
  return Math.min(Number(value), MAX_PAGE_SIZE);
}

const unsupportedModifier = (name: string) =>
  new BadRequestError(
    'UNSUPPORTED_SEARCH_MODIFIER',
    `${printable(name)}: this modifier is not supported (see /api/fhir/metadata).`,
  );

/** A parameter name as it may be repeated in a message: anything else is not shown. */
const printable = (name: string) =>
  /^[A-Za-z0-9_:.-]{1,64}$/.test(name) ? name : 'a parameter';

function singleValue(name: string, value: unknown): string {
  if (Array.isArray(value)) {
    if (value.length !== 1) {
      throw invalidSearch(`${name} may be given once.`);
    }
    return singleValue(name, value[0]);
  }
  if (typeof value !== 'string') {
    throw invalidSearch(`${name}: expected one value.`);
  }
  return value;
}

/** Every occurrence of every query parameter, in order. */
function occurrences(query: Record<string, unknown>): [string, string][] {
  return Object.entries(query).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map((one): [string, string] => {
      if (typeof one !== 'string') {
        throw invalidSearch(`${printable(name)}: expected text.`);
      }
      return [name, one];
    }),
  );
}

const SEARCH_PARAMETERS = new Set([
  'entity',
  'patient',
  'agent',
  'date',
  '_id',
]);

function criterionOf(
  base: string,
  name: string,
  modifier: string | undefined,
  values: string[],
): Criterion {
  switch (base) {
    case 'entity':
      return entityCriterion(name, modifier, values);
    case 'patient':
      return patientCriterion(name, modifier, values);
    case 'agent':
      return agentCriterion(name, modifier, values);
    case 'date':
      if (modifier !== undefined) {
        throw unsupportedModifier(name);
      }
      if (values.length !== 1) {
        throw invalidSearch(
          'date: one value per occurrence (repeat date= to AND ranges).',
        );
      }
      return { on: 'recorded', range: dateRangeOf(values[0]) };
    default:
      if (modifier !== undefined) {
        throw unsupportedModifier(name);
      }
      return { on: 'id', anyOf: values };
  }
}

/**
 * Reads `GET /api/fhir/AuditEvent`'s query: `entity`, `patient`, `agent`, `date`, `_id`, `_count`
 * and the continuation of a `next` link. A malformed value of a supported parameter, or a modifier
 * it does not support, is a 400 whatever the handling; an unknown parameter is a 400 under
 * `handling=strict` and ignored (and reported) under `lenient`.
 */
export function parseAuditEventSearch(
  query: Record<string, unknown>,
  handling: Handling,
): AuditEventSearch {
  const criteria: Criterion[] = [];
  const applied: [string, string][] = [];
  const ignored: string[] = [];
  let count = DEFAULT_PAGE_SIZE;
  let continuationToken: string | undefined;
  for (const [name, raw] of occurrences(query)) {
    if (NOT_CRITERIA.has(name)) {
      continue;
    }
    if (name === '_count') {
      count = countOf(singleValue(name, query[name]));
      continue;
    }
    if (name === CONTINUATION_PARAMETER) {
      continuationToken = singleValue(name, query[name]);
      continue;
    }
    const [base, modifier, ...rest] = name.split(':');
    if (!SEARCH_PARAMETERS.has(base) || rest.length > 0) {
      if (handling === 'strict') {
        throw new BadRequestError(
          'UNKNOWN_SEARCH_PARAMETER',
          `${printable(name)} is not a supported AuditEvent search parameter (see /api/fhir/metadata); send Prefer: handling=lenient to ignore it.`,
        );
      }
      ignored.push(printable(name));
      continue;
    }
    const values = orValues(base, raw);
    if (values.length === 0) {
      continue;
    }
    const criterion = criterionOf(base, name, modifier, values);
    criteria.push(criterion);
    applied.push([name, raw]);
  }
  if (criteria.length > MAX_CRITERIA) {
    throw invalidSearch(
      `At most ${MAX_CRITERIA} search parameters, each with at most ${MAX_VALUES} values.`,
    );
  }
  return { criteria, count, continuationToken, applied, ignored };
}
