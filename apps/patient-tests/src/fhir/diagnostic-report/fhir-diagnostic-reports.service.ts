import type { DiagnosticReport } from '@medplum/fhirtypes';
import { Injectable } from '@nestjs/common';
import type { MedicalTest } from '../../medical-tests/medical-test.dto';
import { MedicalTestsService } from '../../medical-tests/medical-tests.service';
import { SearchsetBundle, searchsetBundle } from '../bundle';
import { FhirResult } from '../fhir-result';
import { toFhirObservation } from '../observation/observation.mapper';
import {
  isStrict,
  parseSearch,
  SearchParameterDefinition,
} from '../search-parameters';
import {
  instantMatcher,
  pageOfTestItems,
  patientOfSearch,
} from '../test-search';
import { keepSupportedInclusions } from '../inclusions';
import {
  reportIssued,
  reportStatus,
  toFhirDiagnosticReport,
} from './diagnostic-report.mapper';

export const DIAGNOSTIC_REPORT_SEARCH_PARAMETERS = {
  _id: {},
  patient: {},
  subject: {},
  status: {},
  date: {},
} as const satisfies Record<string, SearchParameterDefinition>;

/** The one `_include` a report search takes: its observations, read with it at no extra cost. */
export const REPORT_RESULT_INCLUDE = 'DiagnosticReport:result';

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
    const strict = isStrict(prefer);
    const search = keepSupportedInclusions(
      parseSearch(query, DIAGNOSTIC_REPORT_SEARCH_PARAMETERS, {
        strict,
        keyParameter: true,
      }),
      { includes: [REPORT_RESULT_INCLUDE] },
      strict,
    );
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
