import { keepSupportedInclusions } from './inclusions';
import { parseSearch } from './search-parameters';

const searchOf = (query: Record<string, unknown>) =>
  parseSearch(query, {}, { strict: false, keyParameter: true });

const REPORT_SEARCH = { includes: ['DiagnosticReport:result'] };

describe('keepSupportedInclusions', () => {
  it('keeps the supported inclusions and drops the others when lenient', () => {
    const search = searchOf({
      _include: ['DiagnosticReport:subject', 'DiagnosticReport:result'],
      _revinclude: 'Provenance:target',
    });
    const kept = keepSupportedInclusions(search, REPORT_SEARCH, false);
    expect(kept.includes).toEqual(['DiagnosticReport:result']);
    expect(kept.revIncludes).toEqual([]);
  });

  it('checks _include and _revinclude each against its own list', () => {
    const search = searchOf({
      _include: 'DiagnosticReport:result',
      _revinclude: 'DiagnosticReport:result',
    });
    const kept = keepSupportedInclusions(
      search,
      { revIncludes: ['DiagnosticReport:result'] },
      false,
    );
    expect(kept.includes).toEqual([]);
    expect(kept.revIncludes).toEqual(['DiagnosticReport:result']);
  });

  it('leaves the rest of the search as parsed, and the parsed search itself unchanged', () => {
    const search = searchOf({ _count: '5', _include: 'Patient:link' });
    const kept = keepSupportedInclusions(search, REPORT_SEARCH, false);
    expect(kept).toMatchObject({ count: 5, applied: [['_count', '5']] });
    expect(search.includes).toEqual(['Patient:link']);
  });

  it('keeps supported inclusions under Prefer: handling=strict', () => {
    const search = searchOf({ _include: 'DiagnosticReport:result' });
    expect(
      keepSupportedInclusions(search, REPORT_SEARCH, true).includes,
    ).toEqual(['DiagnosticReport:result']);
  });

  it.each([
    [{ _include: 'DiagnosticReport:subject' }, 'DiagnosticReport:subject'],
    [{ _revinclude: 'DiagnosticReport:result' }, 'DiagnosticReport:result'],
  ])(
    'refuses %j under Prefer: handling=strict, naming the inclusion',
    (query, value) => {
      expect(() =>
        keepSupportedInclusions(searchOf(query), REPORT_SEARCH, true),
      ).toThrow(
        expect.objectContaining({
          code: 'INVALID_SEARCH',
          status: 400,
          detail: `The inclusion ${value} is not supported on this search.`,
        }),
      );
    },
  );
});
