import type { MedicalTest } from '../medical-tests/medical-test.dto';
import {
  instantMatcher,
  pageOfTestItems,
  patientOfSearch,
} from './test-search';

describe('instantMatcher', () => {
  const at = (iso: string) => new Date(iso);

  it.each([
    ['2026-02', '2026-02-28T23:59:59Z', true],
    ['2026-02', '2026-03-01T00:00:00Z', false],
    ['eq2026-02-10', '2026-02-10T06:00:00Z', true],
    ['ge2026-02-10', '2026-02-10T00:00:00Z', true],
    ['gt2026-02-10', '2026-02-10T23:00:00Z', false],
    ['gt2026-02-10', '2026-02-11T00:00:00Z', true],
    ['lt2026-02-10', '2026-02-09T23:59:59Z', true],
    ['le2026-02-10', '2026-02-10T23:59:59Z', true],
    ['le2026-02-10', '2026-02-11T00:00:00Z', false],
    ['2026-02-10T08:00:00+02:00', '2026-02-10T06:00:00Z', true],
    ['2026-02-10T08:00+02:00', '2026-02-10T06:00:59Z', true],
    ['2026-02-10T08:00:00Z', '2026-02-10T08:00:01Z', false],
  ])('%s matches %s: %s', (value, instant, expected) => {
    expect(instantMatcher(value)(at(instant))).toBe(expected);
  });

  it.each(['ap2026', 'yesterday', '2026-13', '2026-02-10T08:00'])(
    'refuses %j',
    (value) => {
      expect(() => instantMatcher(value)).toThrow(
        expect.objectContaining({ code: 'INVALID_SEARCH' }),
      );
    },
  );
});

describe('patientOfSearch', () => {
  const values = (patient: string[], subject: string[] = []) =>
    new Map([
      ['patient', patient.map((value) => ({ value }))],
      ['subject', subject.map((value) => ({ value }))],
    ]);

  it('reads a bare id or a Patient reference, and nothing as any patient', () => {
    expect(patientOfSearch(values(['p1']))).toEqual({ patientId: 'p1' });
    expect(patientOfSearch(values([], ['Patient/p1']))).toEqual({
      patientId: 'p1',
    });
    expect(patientOfSearch(new Map())).toEqual({});
  });

  it('matches nothing for another resource type or two different patients', () => {
    expect(patientOfSearch(values(['Group/g1']))).toBe('none');
    expect(patientOfSearch(values(['p1'], ['Patient/p2']))).toBe('none');
  });
});

describe('pageOfTestItems', () => {
  /** Tests t01..tNN, test i yielding i % 3 items (some none): an in-memory store in id order. */
  const tests = Array.from(
    { length: 12 },
    (_, i) =>
      ({ id: `t${String(i).padStart(2, '0')}` }) as unknown as MedicalTest,
  );
  const itemsOf = (test: MedicalTest) =>
    Array.from(
      { length: Number(test.id.slice(1)) % 3 },
      (_, i) => `${test.id}/${i}`,
    );
  const fetch = (_query: unknown, limit: number, fromId?: string) =>
    Promise.resolve(
      tests
        .filter((test) => fromId === undefined || test.id >= fromId)
        .slice(0, limit),
    );
  const everything = tests.flatMap(itemsOf);

  it.each([1, 2, 3, 5, 50])(
    'with count %i, yields every item exactly once, in order, across pages',
    async (count) => {
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await pageOfTestItems({
          query: {},
          count,
          continuationToken: token,
          itemsOf,
          fetch,
        });
        expect(page.items.length).toBeLessThanOrEqual(count);
        seen.push(...page.items);
        token = page.continuationToken;
        pages += 1;
      } while (token && pages < 100);
      expect(seen).toEqual(everything);
    },
  );

  it('refuses a token it did not issue', async () => {
    await expect(
      pageOfTestItems({
        query: {},
        count: 2,
        continuationToken: 'bogus',
        itemsOf,
        fetch,
      }),
    ).rejects.toMatchObject({ code: 'INVALID_CONTINUATION_TOKEN' });
  });
});
