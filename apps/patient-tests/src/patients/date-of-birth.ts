import { z } from 'zod';

const PARTIAL_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;

/**
 * True for `YYYY`, `YYYY-MM` or `YYYY-MM-DD` naming a real calendar date (no 2023-02-30) whose
 * first day is not after `today`. Partial dates are kept as given: records often know only the year.
 */
export function isPastPartialDate(
  value: string,
  today: Date = new Date(),
): boolean {
  const match = PARTIAL_DATE.exec(value);
  if (!match) {
    return false;
  }
  const [year, month = 1, day = 1] = match.slice(1).filter(Boolean).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  const isReal =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day;
  return isReal && date.getTime() <= today.getTime();
}

/**
 * The shape of a date of birth as a pattern, so the OpenAPI document states it (and generated clients
 * and fuzzers send plausible dates); a real calendar day not in the future is checked on top.
 */
const DATE_OF_BIRTH_PATTERN =
  /^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$/;
const DATE_OF_BIRTH_RULE =
  'must be YYYY, YYYY-MM or YYYY-MM-DD, a real date not in the future';

/** A date of birth: exact or partial, real, not in the future. */
export const dateOfBirthSchema = z
  .string()
  .max(10)
  .regex(DATE_OF_BIRTH_PATTERN, { message: DATE_OF_BIRTH_RULE, abort: true })
  .refine((value) => isPastPartialDate(value), DATE_OF_BIRTH_RULE)
  .describe(
    'YYYY, YYYY-MM or YYYY-MM-DD: a real calendar date, not in the future',
  );
