import { BadRequestError } from '@app/shared/errors';

/** The longest value one search parameter may carry, and the most values it may OR together. */
export const MAX_VALUE_LENGTH = 256;
export const MAX_VALUES = 20;

/** How unknown or unsupported search parameters are treated (`Prefer: handling=...`). */
export type Handling = 'strict' | 'lenient';

/** FHIR's default when the client states nothing is the server's choice; ours is lenient, like most servers. */
export function handlingOf(prefer: string | undefined): Handling {
  const preferences = (prefer ?? '')
    .split(/[,;]/)
    .map((preference) => preference.trim().toLowerCase().replace(/\s+/g, ''));
  return preferences.includes('handling=strict') ? 'strict' : 'lenient';
}

export const invalidSearch = (detail: string) =>
  new BadRequestError('INVALID_SEARCH_PARAMETER', detail);

/**
 * The values of one parameter occurrence: separated by unescaped commas (FHIR's OR), with `\,`,
 * `\|`, `\$` and `\\` unescaped. Empty values are dropped (FHIR ignores a parameter without a value).
 */
export function orValues(name: string, raw: string): string[] {
  if (raw.length > MAX_VALUE_LENGTH * MAX_VALUES) {
    throw invalidSearch(`${name}: the value is too long.`);
  }
  const values: string[] = [];
  let current = '';
  for (let index = 0; index < raw.length; index++) {
    const char = raw[index];
    if (char === '\\' && index + 1 < raw.length) {
      current += raw[++index];
    } else if (char === ',') {
      values.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  values.push(current);
  const present = values.filter((value) => value.length > 0);
  if (present.length > MAX_VALUES) {
    throw invalidSearch(`${name}: at most ${MAX_VALUES} values may be ORed.`);
  }
  if (present.some((value) => value.length > MAX_VALUE_LENGTH)) {
    throw invalidSearch(
      `${name}: a value is longer than ${MAX_VALUE_LENGTH} characters.`,
    );
  }
  return present;
}

/** Instants in [from, before): `from` inclusive, `before` exclusive; either may be open. */
export interface InstantRange {
  from?: Date;
  before?: Date;
}

const DATE_VALUE =
  /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;
const SUPPORTED_PREFIXES = new Set(['eq', 'ge', 'le', 'gt', 'lt']);

const MINUTE_MS = 60_000;

function utc(
  year: number,
  month: number,
  day: number,
  hours = 0,
  minutes = 0,
  seconds = 0,
  ms = 0,
): Date {
  // setUTCFullYear, because Date.UTC reads years 0-99 as 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hours, minutes, seconds, ms);
  return date;
}

function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z') {
    return 0;
  }
  const sign = zone.startsWith('-') ? -1 : 1;
  const [hours, minutes] = zone.slice(1).split(':').map(Number);
  if (hours > 14 || minutes > 59) {
    throw invalidSearch('date: the time zone offset is out of range.');
  }
  return sign * (hours * 60 + minutes);
}

/**
 * The instants a date value stands for: a value means the whole of its precision (`2026` is that
 * year, `2026-03-01T10:00Z` that minute). Without a time zone, UTC.
 */
function periodOf(match: RegExpExecArray): { start: Date; end: Date } {
  const [, , y, mo, d, h, mi, s, fraction, zone] = match;
  const year = Number(y);
  if (mo === undefined) {
    return { start: utc(year, 1, 1), end: utc(year + 1, 1, 1) };
  }
  const month = Number(mo);
  if (month < 1 || month > 12) {
    throw invalidSearch('date: the month is out of range.');
  }
  if (d === undefined) {
    return { start: utc(year, month, 1), end: utc(year, month + 1, 1) };
  }
  const day = Number(d);
  if (day < 1 || utc(year, month, day).getUTCDate() !== day) {
    throw invalidSearch('date: no such day.');
  }
  if (h === undefined) {
    return { start: utc(year, month, day), end: utc(year, month, day + 1) };
  }
  const [hours, minutes, seconds] = [Number(h), Number(mi), Number(s ?? 0)];
  if (hours > 23 || minutes > 59 || seconds > 59) {
    throw invalidSearch('date: the time is out of range.');
  }
  const digits = fraction?.length ?? 0;
  const ms = digits > 0 ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0;
  // The register keeps milliseconds: a finer value stands for the millisecond it falls in.
  const unitMs =
    s === undefined
      ? MINUTE_MS
      : digits === 0
        ? 1000
        : 10 ** Math.max(0, 3 - digits);
  const start = new Date(
    utc(year, month, day, hours, minutes, seconds, ms).getTime() -
      offsetMinutes(zone) * MINUTE_MS,
  );
  return { start, end: new Date(start.getTime() + unitMs) };
}

/** A `date` search value (`[prefix]YYYY[-MM[-DD[Thh:mm[:ss[.f]][zone]]]]`) as a range of instants. */
export function dateRangeOf(value: string): InstantRange {
  const match = DATE_VALUE.exec(value);
  if (!match) {
    throw invalidSearch(
      'date: expected [eq|ge|le|gt|lt]YYYY[-MM[-DD[Thh:mm[:ss[.fff]][Z|+hh:mm]]]].',
    );
  }
  const prefix = match[1] ?? 'eq';
  if (!SUPPORTED_PREFIXES.has(prefix)) {
    throw invalidSearch(
      `date: the prefix ${prefix} is not supported (eq, ge, le, gt, lt are).`,
    );
  }
  const { start, end } = periodOf(match);
  switch (prefix) {
    case 'ge':
      return { from: start };
    case 'gt':
      return { from: end };
    case 'le':
      return { before: end };
    case 'lt':
      return { before: start };
    default:
      return { from: start, before: end };
  }
}
