import type { Page } from '@app/shared/http';
import type { AuditEvent, Bundle, BundleEntry } from '@medplum/fhirtypes';
import type { AuditRecord } from '../audit-records/audit-record.dto';
import { toAuditEvent } from './audit-event.mapping';
import { AuditEventSearch, CONTINUATION_PARAMETER } from './audit-event-search';

function searchUrl(
  base: string,
  search: AuditEventSearch,
  continuationToken: string | undefined,
): string {
  const parameters = new URLSearchParams(search.applied);
  parameters.set('_count', String(search.count));
  if (continuationToken !== undefined) {
    parameters.set(CONTINUATION_PARAMETER, continuationToken);
  }
  return `${base}/AuditEvent?${parameters.toString()}`;
}

/** Under lenient handling, the parameters that were ignored, said in the Bundle (search mode outcome). */
function ignoredOutcome(ignored: string[]): BundleEntry[] {
  return ignored.length === 0
    ? []
    : [
        {
          resource: {
            resourceType: 'OperationOutcome',
            issue: [
              {
                severity: 'warning',
                code: 'not-supported',
                diagnostics: `Ignored search parameters: ${ignored.join(', ')}.`,
              },
            ],
          },
          search: { mode: 'outcome' },
        },
      ];
}

/**
 * One page of a search as a searchset Bundle: `self` repeats the parameters applied (never the key),
 * `next` adds the continuation of the register's paging; no `total`, which would cost a count.
 */
export function searchsetBundle(
  base: string,
  search: AuditEventSearch,
  page: Page<AuditRecord>,
): Bundle {
  const link = [
    {
      relation: 'self',
      url: searchUrl(base, search, search.continuationToken),
    },
    ...(page.continuationToken === undefined
      ? []
      : [
          {
            relation: 'next',
            url: searchUrl(base, search, page.continuationToken),
          },
        ]),
  ];
  const entry: BundleEntry[] = [
    ...page.items.map((record): BundleEntry<AuditEvent> => ({
      fullUrl: `${base}/AuditEvent/${record.id}`,
      resource: toAuditEvent(record),
      search: { mode: 'match' },
    })),
    ...ignoredOutcome(search.ignored),
  ];
  // FHIR JSON has no empty arrays: an empty page has no entry at all.
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    link,
    ...(entry.length > 0 && { entry }),
  };
}
