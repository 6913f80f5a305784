import type { FhirResource } from './fhir-result';
import { CONTINUATION_PARAMETER, ParsedSearch } from './search-parameters';

export interface BundleEntry {
  fullUrl: string;
  resource: FhirResource;
  search: { mode: 'match' | 'include' };
}

export interface SearchsetBundle {
  resourceType: 'Bundle';
  type: 'searchset';
  total?: number;
  link: { relation: 'self' | 'next'; url: string }[];
  /** Absent when nothing matched: FHIR JSON has no empty arrays. */
  entry?: BundleEntry[];
}

/** A resource's absolute URL on this server (`Bundle.entry.fullUrl` must be absolute). */
export const fullUrlOf = (baseUrl: string, resource: FhirResource) =>
  `${baseUrl}/${resource.resourceType}/${resource.id}`;

const searchUrl = (
  baseUrl: string,
  resourceType: string,
  parameters: [string, string][],
) => {
  const query = new URLSearchParams(parameters).toString();
  return `${baseUrl}/${resourceType}${query ? `?${query}` : ''}`;
};

/** The inclusions a search kept, as query parameters: both links repeat them. */
const inclusionParameters = (search: ParsedSearch): [string, string][] => [
  ...search.includes.map((value): [string, string] => ['_include', value]),
  ...search.revIncludes.map((value): [string, string] => [
    '_revinclude',
    value,
  ]),
];

/**
 * A searchset Bundle of one page: the matches, what `_include`/`_revinclude` added, a self link with
 * the parameters the search applied, and a `next` link carrying the JSON API's continuation token when
 * more matches exist (it stays valid: it is a position in id order, not a cursor kept on the server).
 */
export function searchsetBundle({
  baseUrl,
  resourceType,
  search,
  matches,
  included = [],
  continuationToken,
  total,
}: {
  baseUrl: string;
  resourceType: string;
  search: ParsedSearch;
  matches: FhirResource[];
  included?: FhirResource[];
  continuationToken?: string;
  total?: number;
}): SearchsetBundle {
  const link: SearchsetBundle['link'] = [
    {
      relation: 'self',
      url: searchUrl(baseUrl, resourceType, [
        ...search.applied,
        ...inclusionParameters(search),
        ...(search.continuationToken
          ? [
              [CONTINUATION_PARAMETER, search.continuationToken] as [
                string,
                string,
              ],
            ]
          : []),
      ]),
    },
  ];
  if (continuationToken) {
    link.push({
      relation: 'next',
      url: searchUrl(baseUrl, resourceType, [
        ...search.applied.filter(([name]) => name !== '_count'),
        ['_count', String(search.count)],
        ...inclusionParameters(search),
        [CONTINUATION_PARAMETER, continuationToken],
      ]),
    });
  }
  const entry = (resource: FhirResource, mode: 'match' | 'include') => ({
    fullUrl: fullUrlOf(baseUrl, resource),
    resource,
    search: { mode },
  });
  const entries = [
    ...matches.map((resource) => entry(resource, 'match')),
    ...included.map((resource) => entry(resource, 'include')),
  ];
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(total !== undefined && { total }),
    link,
    ...(entries.length > 0 && { entry: entries }),
  };
}
