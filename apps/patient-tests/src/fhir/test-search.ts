import { BadRequestError } from '@app/shared/errors';
import {
  decodeContinuationToken,
  encodeContinuationToken,
} from '@app/shared/http';
import { z } from 'zod';
import type { MedicalTest } from '../medical-tests/medical-test.dto';
import type { MedicalTestQuery } from '../medical-tests/medical-test-query';
import { patientIdOfReference } from './disclosed-patients';
import type { SearchValue } from './search-parameters';

const invalidSearch = (detail: string) =>
  new BadRequestError('INVALID_SEARCH', detail);

/**
 * `patient` / `subject`: `Patient/<id>` or a bare id (the same patient when repeated): the patient to
 * search, none given (`{}`), or `none` when no patient can match (another resource type, two patients).
 */
export function patientOfSearch(
  values: Map<string, SearchValue[]>,
): { patientId?: string } | 'none' {
  const ids = [
    ...(values.get('patient') ?? []),
    ...(values.get('subject') ?? []),
  ].map(({ value }) =>
    value.includes('/') ? patientIdOfReference(value) : value,
  );
  if (ids.length === 0) {
    return {};
  }
  const [first] = ids;
  return first !== undefined && ids.every((id) => id === first)
    ? { patientId: first }
    : 'none';
}

const INSTANT =
  /^([a-z]{2})?(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?)?)?$/;
const DATE_PREFIXES = ['eq', 'ge', 'le', 'gt', 'lt'];

/**
 * A FHIR date search value as a test on an instant: the value is a period (a year, a month, a day or
 * a time to the second) and the prefix compares the instant with it.
 */
export function instantMatcher(value: string): (instant: Date) => boolean {
  const match = INSTANT.exec(value);
  if (!match) {
    throw invalidSearch(
      'A date search value is [eq|ge|le|gt|lt] followed by YYYY, YYYY-MM, YYYY-MM-DD or a date-time with a zone.',
    );
  }
  const [, prefix = 'eq', year, month, day, hour, minute, second, zone] = match;
  if (!DATE_PREFIXES.includes(prefix)) {
    throw invalidSearch(`The date prefix ${prefix} is not supported.`);
  }
  const start = new Date(
    `${year}-${month ?? '01'}-${day ?? '01'}T${hour ?? '00'}:${minute ?? '00'}:${second ?? '00'}${zone ?? 'Z'}`,
  );
  if (Number.isNaN(start.getTime())) {
    throw invalidSearch('The date search value is not a real date.');
  }
  const end = new Date(start);
  if (hour !== undefined) {
    end.setUTCSeconds(end.getUTCSeconds() + (second !== undefined ? 1 : 60));
  } else if (day !== undefined) {
    end.setUTCDate(end.getUTCDate() + 1);
  } else if (month !== undefined) {
    end.setUTCMonth(end.getUTCMonth() + 1);
  } else {
    end.setUTCFullYear(end.getUTCFullYear() + 1);
  }
  const [from, to] = [start.getTime(), end.getTime()];
  switch (prefix) {
    case 'ge':
      return (instant) => instant.getTime() >= from;
    case 'gt':
      return (instant) => instant.getTime() >= to;
    case 'le':
      return (instant) => instant.getTime() < to;
    case 'lt':
      return (instant) => instant.getTime() < from;
    default:
      return (instant) => instant.getTime() >= from && instant.getTime() < to;
  }
}

/** A token search value naming a code of ours: no system, or an explicitly empty one (`|code`). */
export const codeOfToken = (value: string) => {
  const bar = value.indexOf('|');
  if (bar < 0) {
    return value;
  }
  return bar === 0 ? value.slice(1) : undefined;
};

const position = z.strictObject({
  after: z.string().max(64),
  skip: z.number().int().min(0).max(1000),
});

/** How many batches of tests one page reads at most before it answers, possibly short, with a next link. */
const MAX_BATCHES_PER_PAGE = 10;

/**
 * One page of the items (reports, observations) that tests yield, in test id order then position,
 * continuing where the previous page stopped: the JSON API's continuation token, holding the test
 * and how many of its items were already sent. Tests are read in batches from the database, which
 * narrows them by patient and code; what it cannot compare (instants, derived statuses) is filtered
 * here, so a page may hold fewer than `count` items and still have a next one.
 */
export async function pageOfTestItems<T>({
  query,
  count,
  continuationToken,
  itemsOf,
  fetch,
}: {
  query: MedicalTestQuery;
  count: number;
  continuationToken?: string;
  itemsOf: (test: MedicalTest) => T[];
  fetch: (
    query: MedicalTestQuery,
    limit: number,
    fromId?: string,
  ) => Promise<MedicalTest[]>;
}): Promise<{ items: T[]; continuationToken?: string }> {
  let cursor = continuationToken
    ? decodeContinuationToken(continuationToken, position)
    : undefined;
  const items: T[] = [];
  for (let batch = 0; batch < MAX_BATCHES_PER_PAGE; batch++) {
    const tests = await fetch(query, count + 1, cursor?.after);
    for (const test of tests) {
      const yielded = itemsOf(test);
      const skip = test.id === cursor?.after ? cursor.skip : 0;
      for (let index = skip; index < yielded.length; index++) {
        if (items.length === count) {
          return {
            items,
            continuationToken: encodeContinuationToken({
              after: test.id,
              skip: index,
            }),
          };
        }
        items.push(yielded[index]);
      }
      cursor = { after: test.id, skip: yielded.length };
    }
    if (tests.length < count + 1) {
      return { items };
    }
  }
  return {
    items,
    continuationToken: cursor && encodeContinuationToken(cursor),
  };
}
