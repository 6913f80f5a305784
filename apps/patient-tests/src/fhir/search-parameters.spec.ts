import {
  dateRangeOf,
  datePrefixOf,
  isStrict,
  parseSearch,
} from './search-parameters';

const DEFINITIONS = {
  parameters: { family: { modifiers: ['exact'] }, gender: {} },
};
const lenient = { strict: false };
const strict = { strict: true };

describe('parseSearch', () => {
  it('collects supported parameters, repeated ones as several values, in the order given', () => {
    const parsed = parseSearch(
      { 'family:exact': 'Hopper', gender: ['female', 'other'], _count: '10' },
      DEFINITIONS,
      lenient,
    );
    expect(parsed.values.get('family')).toEqual([
      { modifier: 'exact', value: 'Hopper' },
    ]);
    expect(parsed.values.get('gender')).toEqual([
      { modifier: undefined, value: 'female' },
      { modifier: undefined, value: 'other' },
    ]);
    expect(parsed.count).toBe(10);
    expect(parsed.applied).toEqual([
      ['family:exact', 'Hopper'],
      ['gender', 'female'],
      ['gender', 'other'],
      ['_count', '10'],
    ]);
  });

  it('ignores unknown parameters and modifiers when lenient, leaving them out of what was applied', () => {
    const parsed = parseSearch(
      { colour: 'blue', 'gender:not': 'male', family: 'H' },
      DEFINITIONS,
      lenient,
    );
    expect([...parsed.values.keys()]).toEqual(['family']);
    expect(parsed.applied).toEqual([['family', 'H']]);
  });

  it.each([
    [{ colour: 'blue' }, 'colour is not supported'],
    [{ 'gender:not': 'male' }, ':not is not supported on gender'],
    [{ 'family:exact:x': 'H' }, 'is not supported on family'],
  ])('refuses %j with Prefer: handling=strict', (query, detail) => {
    expect(() => parseSearch(query, DEFINITIONS, strict)).toThrow(
      expect.objectContaining({
        code: 'INVALID_SEARCH',
        detail: expect.stringContaining(detail),
      }),
    );
  });

  it('takes code as the API key where it is not a search parameter, and as a parameter where it is', () => {
    const parsed = parseSearch({ code: 'key' }, DEFINITIONS, strict);
    expect(parsed.values.size).toBe(0);
    expect(parsed.applied).toEqual([]);
    const withCode = parseSearch(
      { code: '718-7' },
      { parameters: { code: {} } },
      strict,
    );
    expect(withCode.values.get('code')).toEqual([
      { modifier: undefined, value: '718-7' },
    ]);
  });

  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])(
    'does not take %s, a name every object inherits, for a supported parameter',
    (name) => {
      expect(
        parseSearch({ [name]: 'x' }, DEFINITIONS, lenient).applied,
      ).toEqual([]);
      expect(() => parseSearch({ [name]: 'x' }, DEFINITIONS, strict)).toThrow(
        expect.objectContaining({
          code: 'INVALID_SEARCH',
          detail: `The search parameter ${name} is not supported.`,
        }),
      );
    },
  );

  it('caps _count at the JSON API page limit and refuses one that is not a positive whole number', () => {
    expect(parseSearch({ _count: '5000' }, DEFINITIONS, lenient).count).toBe(
      200,
    );
    for (const count of ['0', '-1', 'ten', '1.5']) {
      expect(() =>
        parseSearch({ _count: count }, DEFINITIONS, lenient),
      ).toThrow(expect.objectContaining({ code: 'INVALID_SEARCH' }));
    }
  });

  it('refuses values that are not plain strings, over-long values and too many parameters', () => {
    expect(() =>
      parseSearch({ family: { $ne: 1 } }, DEFINITIONS, lenient),
    ).toThrow(expect.objectContaining({ code: 'INVALID_SEARCH' }));
    expect(() =>
      parseSearch({ family: 'a'.repeat(257) }, DEFINITIONS, lenient),
    ).toThrow(expect.objectContaining({ code: 'INVALID_SEARCH' }));
    expect(() =>
      parseSearch(
        { gender: Array<string>(33).fill('male') },
        DEFINITIONS,
        lenient,
      ),
    ).toThrow(expect.objectContaining({ code: 'INVALID_SEARCH' }));
  });

  it('serves JSON only: _format=xml is refused', () => {
    expect(() => parseSearch({ _format: 'xml' }, DEFINITIONS, lenient)).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED_FORMAT' }),
    );
    expect(() =>
      parseSearch({ _format: 'application/fhir+json' }, DEFINITIONS, lenient),
    ).not.toThrow();
  });
});

describe('parseSearch inclusions', () => {
  const REPORTS = {
    parameters: { status: {} },
    includes: ['DiagnosticReport:result'],
  };
  const OBSERVATIONS = {
    parameters: { status: {} },
    revIncludes: ['DiagnosticReport:result'],
  };
  const NONE = { parameters: { status: {} } };

  it('keeps the supported inclusions and drops the others when lenient', () => {
    const parsed = parseSearch(
      {
        _include: ['DiagnosticReport:subject', 'DiagnosticReport:result'],
        _revinclude: 'Provenance:target',
      },
      REPORTS,
      lenient,
    );
    expect(parsed.includes).toEqual(['DiagnosticReport:result']);
    expect(parsed.revIncludes).toEqual([]);
  });

  it('checks _include and _revinclude each against its own list', () => {
    const query = {
      _include: 'DiagnosticReport:result',
      _revinclude: 'DiagnosticReport:result',
    };
    expect(parseSearch(query, REPORTS, lenient)).toMatchObject({
      includes: ['DiagnosticReport:result'],
      revIncludes: [],
    });
    expect(parseSearch(query, OBSERVATIONS, lenient)).toMatchObject({
      includes: [],
      revIncludes: ['DiagnosticReport:result'],
    });
  });

  it('drops every inclusion, * included, for a resource that supports none, and keeps the rest of the search', () => {
    const parsed = parseSearch(
      {
        status: 'final',
        _include: ['*', 'Patient:link'],
        _revinclude: 'Observation:patient',
        _count: '5',
      },
      NONE,
      lenient,
    );
    expect(parsed).toMatchObject({
      includes: [],
      revIncludes: [],
      count: 5,
      applied: [
        ['status', 'final'],
        ['_count', '5'],
      ],
    });
  });

  it('keeps supported inclusions under Prefer: handling=strict', () => {
    expect(
      parseSearch({ _include: 'DiagnosticReport:result' }, REPORTS, strict)
        .includes,
    ).toEqual(['DiagnosticReport:result']);
  });

  it.each([
    [
      REPORTS,
      { _include: 'DiagnosticReport:subject' },
      '_include=DiagnosticReport:subject',
    ],
    [
      REPORTS,
      { _revinclude: 'DiagnosticReport:result' },
      '_revinclude=DiagnosticReport:result',
    ],
    [
      OBSERVATIONS,
      { _include: 'DiagnosticReport:result' },
      '_include=DiagnosticReport:result',
    ],
    [NONE, { _include: '*' }, '_include=*'],
    [
      NONE,
      { _revinclude: 'Observation:patient' },
      '_revinclude=Observation:patient',
    ],
    [NONE, { _include: '' }, '_include='],
  ])(
    'refuses %j with %j under Prefer: handling=strict, naming the parameter and value',
    (resource, query, named) => {
      expect(() => parseSearch(query, resource, strict)).toThrow(
        expect.objectContaining({
          code: 'INVALID_SEARCH',
          status: 400,
          detail: `The inclusion ${named} is not supported on this search.`,
        }),
      );
    },
  );

  it('names an unsupported _include before an unsupported _revinclude, whatever their order in the query', () => {
    expect(() =>
      parseSearch(
        { _revinclude: 'Provenance:target', _include: 'Patient:link' },
        NONE,
        strict,
      ),
    ).toThrow(
      expect.objectContaining({
        detail:
          'The inclusion _include=Patient:link is not supported on this search.',
      }),
    );
  });

  it('names an unknown parameter before an unsupported inclusion, whatever their order in the query', () => {
    expect(() =>
      parseSearch({ _include: '*', colour: 'blue' }, NONE, strict),
    ).toThrow(
      expect.objectContaining({
        detail: 'The search parameter colour is not supported.',
      }),
    );
  });
});

describe('isStrict', () => {
  it.each([
    ['handling=strict', true],
    ['return=minimal, handling=strict', true],
    ['handling=lenient', false],
    [undefined, false],
  ])('reads Prefer %j as strict=%s', (prefer, expected) => {
    expect(isStrict(prefer)).toBe(expected);
  });
});

describe('date search values', () => {
  it.each([
    ['1990', { prefix: 'eq', date: '1990' }],
    ['ge1990-05', { prefix: 'ge', date: '1990-05' }],
    ['le1990-05-17', { prefix: 'le', date: '1990-05-17' }],
  ])('reads %j', (value, expected) => {
    expect(datePrefixOf(value)).toEqual(expected);
  });

  it.each(['gt1990', 'sa1990', '1990-5', 'yesterday', '1990-05-17T10:00'])(
    'refuses %j',
    (value) => {
      expect(() => datePrefixOf(value)).toThrow(
        expect.objectContaining({ code: 'INVALID_SEARCH' }),
      );
    },
  );

  it.each([
    ['1990', { first: '1990-01-01', last: '1990-12-31' }],
    ['2024-02', { first: '2024-02-01', last: '2024-02-29' }],
    ['2023-02', { first: '2023-02-01', last: '2023-02-28' }],
    ['1990-05-17', { first: '1990-05-17', last: '1990-05-17' }],
  ])('knows the days %j covers', (date, expected) => {
    expect(dateRangeOf(date)).toEqual(expected);
  });
});
