import { z } from 'zod';
import { dateOfBirthSchema, isPastPartialDate } from './date-of-birth';

const TODAY = new Date('2026-06-15T12:00:00Z');

describe('isPastPartialDate', () => {
  it.each([
    ['1815', 'a year'],
    ['1815-12', 'a year and month'],
    ['1815-12-10', 'a full date'],
    ['2024-02-29', 'the leap day of a leap year'],
    ['2000-02-29', 'the leap day of a leap century'],
    ['2024-01-31', 'the last day of a 31-day month'],
    ['2026-06-15', 'today'],
    ['2026-06', 'this month'],
    ['2026', 'this year'],
  ])('accepts %j (%s)', (value) => {
    expect(isPastPartialDate(value, TODAY)).toBe(true);
  });

  it.each([
    ['2023-02-29', 'the leap day of a common year'],
    ['1900-02-29', 'the leap day of a common century'],
    ['2024-04-31', 'the 31st of a 30-day month'],
    ['2024-13', 'month 13'],
    ['2024-13-01', 'a date in month 13'],
    ['2024-00', 'month 0'],
    ['2024-01-00', 'day 0'],
    ['2024-01-32', 'day 32'],
  ])('rejects %j (%s)', (value) => {
    expect(isPastPartialDate(value, TODAY)).toBe(false);
  });

  it.each([
    ['2026-06-16', 'tomorrow'],
    ['2026-07', 'next month'],
    ['2027', 'next year'],
  ])('rejects %j (%s), a date in the future', (value) => {
    expect(isPastPartialDate(value, TODAY)).toBe(false);
  });

  it.each([
    '86',
    '2024-1',
    '2024-1-01',
    '2024-01-1',
    '2024/01/01',
    '20240101',
    '2024-01-01T00:00:00Z',
    ' 2024',
    '2024 ',
    '',
  ])('rejects %j, which is not YYYY, YYYY-MM or YYYY-MM-DD', (value) => {
    expect(isPastPartialDate(value, TODAY)).toBe(false);
  });
});

describe('dateOfBirthSchema', () => {
  it('accepts a past date and rejects a future one against the real clock', () => {
    const nextYear = String(new Date().getUTCFullYear() + 1);

    expect(dateOfBirthSchema.safeParse('1990-05-17').success).toBe(true);
    expect(dateOfBirthSchema.safeParse(nextYear).success).toBe(false);
  });

  it('explains the rule in its error message', () => {
    const result = dateOfBirthSchema.safeParse('2023-02-29');

    expect(result.error?.issues[0].message).toBe(
      'must be YYYY, YYYY-MM or YYYY-MM-DD, a real date not in the future',
    );
  });

  it('reports one error for a malformed value, with the same message', () => {
    const result = dateOfBirthSchema.safeParse('1990-13-45');

    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      'must be YYYY, YYYY-MM or YYYY-MM-DD, a real date not in the future',
    ]);
  });

  it('documents its shape as a pattern in the JSON schema (the OpenAPI document), so generated dates are plausible', () => {
    const { pattern } = z.toJSONSchema(dateOfBirthSchema) as {
      pattern?: string;
    };
    const shape = new RegExp(pattern!);

    expect(
      ['1815', '1815-12', '1815-12-10', '2024-02-31'].every((value) =>
        shape.test(value),
      ),
    ).toBe(true);
    expect(
      ['86', '1815-13', '1815-12-32', '1815-1', '2024-01-01T00:00:00Z'].some(
        (value) => shape.test(value),
      ),
    ).toBe(false);
  });
});
