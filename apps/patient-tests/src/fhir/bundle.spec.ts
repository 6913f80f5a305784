import { searchsetBundle } from './bundle';
import { parseSearch } from './search-parameters';

const BASE_URL = 'https://fhir.example/api/fhir';

const linkOf = (
  bundle: ReturnType<typeof searchsetBundle>,
  relation: 'self' | 'next',
) => {
  const url = bundle.link.find((link) => link.relation === relation)?.url;
  return url === undefined ? undefined : new URL(url);
};

describe('searchsetBundle links', () => {
  const search = parseSearch(
    {
      status: 'final',
      _count: '2',
      _include: 'DiagnosticReport:result',
      _revinclude: 'Provenance:target',
      _continuationToken: 'page-1',
    },
    {
      parameters: { status: {} },
      includes: ['DiagnosticReport:result'],
      revIncludes: ['Provenance:target'],
    },
    { strict: false },
  );

  it('repeats the applied parameters, the inclusions and the continuation token in the self link', () => {
    const self = linkOf(
      searchsetBundle({
        baseUrl: BASE_URL,
        resourceType: 'DiagnosticReport',
        search,
        matches: [],
      }),
      'self',
    );
    expect(self?.pathname).toBe('/api/fhir/DiagnosticReport');
    expect([...self!.searchParams]).toEqual([
      ['status', 'final'],
      ['_count', '2'],
      ['_include', 'DiagnosticReport:result'],
      ['_revinclude', 'Provenance:target'],
      ['_continuationToken', 'page-1'],
    ]);
  });

  it('carries the inclusions and the next continuation token in the next link, and has none without one', () => {
    const bundle = (continuationToken?: string) =>
      searchsetBundle({
        baseUrl: BASE_URL,
        resourceType: 'DiagnosticReport',
        search,
        matches: [],
        continuationToken,
      });
    expect([...linkOf(bundle('page-2'), 'next')!.searchParams]).toEqual([
      ['status', 'final'],
      ['_count', '2'],
      ['_include', 'DiagnosticReport:result'],
      ['_revinclude', 'Provenance:target'],
      ['_continuationToken', 'page-2'],
    ]);
    expect(linkOf(bundle(), 'next')).toBeUndefined();
  });
});
