import { dateRangeOf, handlingOf, orValues } from './search-values';

const at = (iso: string) => new Date(iso);

describe('FHIR search values', () => {
  it.each([
    [
      '2026',
      { from: at('2026-01-01T00:00:00Z'), before: at('2027-01-01T00:00:00Z') },
    ],
    [
      'eq2026-02',
      { from: at('2026-02-01T00:00:00Z'), before: at('2026-03-01T00:00:00Z') },
    ],
    [
      '2024-02-29',
      { from: at('2024-02-29T00:00:00Z'), before: at('2024-03-01T00:00:00Z') },
    ],
    ['ge2026-03-01T10:00Z', { from: at('2026-03-01T10:00:00Z') }],
    ['gt2026-03-01T10:00Z', { from: at('2026-03-01T10:01:00Z') }],
    ['le2026-03-01T10:00:05Z', { before: at('2026-03-01T10:00:06Z') }],
    ['lt2026-03-01', { before: at('2026-03-01T00:00:00Z') }],
    [
      '2026-03-01T10:00:05.123Z',
      {
        from: at('2026-03-01T10:00:05.123Z'),
        before: at('2026-03-01T10:00:05.124Z'),
      },
    ],
    [
      '2026-03-01T10:00:05.1Z',
      {
        from: at('2026-03-01T10:00:05.100Z'),
        before: at('2026-03-01T10:00:05.200Z'),
      },
    ],
    [
      '2026-03-01T12:00:00+02:00',
      { from: at('2026-03-01T10:00:00Z'), before: at('2026-03-01T10:00:01Z') },
    ],
    [
      '2026-03-01T10:00',
      { from: at('2026-03-01T10:00:00Z'), before: at('2026-03-01T10:01:00Z') },
    ],
    [
      '0099',
      { from: at('0099-01-01T00:00:00Z'), before: at('0100-01-01T00:00:00Z') },
    ],
  ])('reads date=%s as the instants its precision covers', (value, range) => {
    expect(dateRangeOf(value)).toEqual(range);
  });

  it.each([
    'yesterday',
    '2026-13',
    '2023-02-29',
    '2026-03-01T24:00Z',
    '2026-03-01T10:00+15:00',
    'ne2026',
    'ap2026',
    '2026-03-01T10Z',
  ])('refuses date=%s with a 400', (value) => {
    expect(() => dateRangeOf(value)).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'INVALID_SEARCH_PARAMETER',
      }),
    );
  });

  it('splits ORed values on unescaped commas only, and drops empty ones', () => {
    expect(orValues('patient', 'a,b\\,c,,d\\\\')).toEqual(['a', 'b,c', 'd\\']);
    expect(orValues('patient', '')).toEqual([]);
  });

  it('refuses too many or too long values', () => {
    expect(() => orValues('patient', Array(21).fill('x').join(','))).toThrow(
      expect.objectContaining({ status: 400 }),
    );
    expect(() => orValues('patient', 'x'.repeat(257))).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });

  it.each([
    [undefined, 'lenient'],
    ['handling=strict', 'strict'],
    ['return=minimal, handling=strict', 'strict'],
    ['handling = strict', 'strict'],
    ['handling=lenient', 'lenient'],
    ['handling=other', 'lenient'],
  ])('reads Prefer: %s as %s handling', (prefer, handling) => {
    expect(handlingOf(prefer)).toBe(handling);
  });
});
