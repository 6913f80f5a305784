import type { DiagnosticReport } from '@medplum/fhirtypes';
import { Injectable } from '@nestjs/common';
import type { MedicalTest } from '../../medical-tests/medical-test.dto';
import { MedicalTestsService } from '../../medical-tests/medical-tests.service';
import { SearchsetBundle, searchsetBundle } from '../bundle';
import { FhirResult } from '../fhir-result';
import { toFhirObservation } from '../observation/observation.mapper';
import { isStrict, parseSearch, ResourceSearch } from '../search-parameters';
import {
  instantMatcher,
  pageOfTestItems,
  patientOfSearch,
} from '../test-search';
import {
  reportIssued,
  reportStatus,
  toFhirDiagnosticReport,
} from './diagnostic-report.mapper';

/**
 * The DiagnosticReport search (the CapabilityStatement lists the same). Its one `_include` is its
 * observations, read with it at no extra cost.
 */
export const DIAGNOSTIC_REPORT_SEARCH = {
  parameters: {
    _id: {},
    patient: {},
    subject: {},
    status: {},
    date: {},
  },
  includes: ['DiagnosticReport:result'],
} as const satisfies ResourceSearch;

/** FHIR DiagnosticReport: one per medical test of the JSON API. */
@Injectable()
export class FhirDiagnosticReportsService {
  constructor(private readonly tests: MedicalTestsService) {}

  async read(
    id: string,
  ): Promise<FhirResult<DiagnosticReport & { id: string }>> {
    return new FhirResult(toFhirDiagnosticReport(await this.tests.getById(id)));
  }

  async search(
    query: Record<string, unknown>,
    prefer: string | undefined,
    baseUrl: string,
  ): Promise<SearchsetBundle> {
    const search = parseSearch(query, DIAGNOSTIC_REPORT_SEARCH, {
      strict: isStrict(prefer),
    });
    const patient = patientOfSearch(search.values);
    const ids = (search.values.get('_id') ?? []).map(({ value }) => value);
    const statuses = (search.values.get('status') ?? []).map(
      ({ value }) => value,
    );
    const dates = (search.values.get('date') ?? []).map(({ value }) =>
      instantMatcher(value),
    );
    const matches = (test: MedicalTest) => {
      const issued = new Date(reportIssued(test) ?? 0);
      return (
        statuses.every((status) => status === reportStatus(test)) &&
        dates.every((matcher) => matcher(issued))
      );
    };
    const page =
      patient === 'none'
        ? { items: [] }
        : await pageOfTestItems({
            query: { ...patient, testIds: ids },
            count: search.count,
            continuationToken: search.continuationToken,
            itemsOf: (test) => (matches(test) ? [test] : []),
            fetch: (testQuery, limit, fromId) =>
              this.tests.query(testQuery, limit, fromId),
          });
    return searchsetBundle({
      baseUrl,
      resourceType: 'DiagnosticReport',
      search,
      matches: page.items.map(toFhirDiagnosticReport),
      included:
        search.includes.length > 0
          ? page.items.flatMap((test) =>
              test.observations.map((_, index) =>
                toFhirObservation(test, index),
              ),
            )
          : [],
      continuationToken: page.continuationToken,
    });
  }
}
