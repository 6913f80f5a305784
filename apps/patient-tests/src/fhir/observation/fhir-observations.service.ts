import type { Observation } from '@medplum/fhirtypes';
import { Injectable } from '@nestjs/common';
import { NotFoundError } from '@app/shared/errors';
import type { MedicalTest } from '../../medical-tests/medical-test.dto';
import { MedicalTestsService } from '../../medical-tests/medical-tests.service';
import { SearchsetBundle, searchsetBundle } from '../bundle';
import { toFhirDiagnosticReport } from '../diagnostic-report/diagnostic-report.mapper';
import { FhirResult } from '../fhir-result';
import { isStrict, parseSearch, ResourceSearch } from '../search-parameters';
import {
  codeOfToken,
  instantMatcher,
  pageOfTestItems,
  patientOfSearch,
} from '../test-search';
import {
  fhirObservationStatus,
  parseObservationId,
  toFhirObservation,
} from './observation.mapper';

const observationNotFound = () =>
  new NotFoundError('OBSERVATION_NOT_FOUND', 'No observation has this id.');

/**
 * The Observation search (the CapabilityStatement lists the same). `code` is a search parameter here,
 * so the API key must come as the header. Its one `_revinclude` is the report it belongs to (its test).
 */
export const OBSERVATION_SEARCH = {
  parameters: {
    _id: {},
    patient: {},
    subject: {},
    code: {},
    status: {},
    date: {},
  },
  revIncludes: ['DiagnosticReport:result'],
} as const satisfies ResourceSearch;

/** FHIR Observation: one per observation of a medical test. */
@Injectable()
export class FhirObservationsService {
  constructor(private readonly tests: MedicalTestsService) {}

  async read(id: string): Promise<FhirResult<Observation & { id: string }>> {
    const parsed = parseObservationId(id);
    if (!parsed) {
      throw observationNotFound();
    }
    const test = await this.tests.getById(parsed.testId);
    if (parsed.index >= test.observations.length) {
      throw observationNotFound();
    }
    return new FhirResult(toFhirObservation(test, parsed.index));
  }

  async search(
    query: Record<string, unknown>,
    prefer: string | undefined,
    baseUrl: string,
  ): Promise<SearchsetBundle> {
    const search = parseSearch(query, OBSERVATION_SEARCH, {
      strict: isStrict(prefer),
    });
    const patient = patientOfSearch(search.values);
    const ids = (search.values.get('_id') ?? []).map(({ value }) =>
      parseObservationId(value),
    );
    const codes = (search.values.get('code') ?? []).map(({ value }) =>
      codeOfToken(value),
    );
    const statuses = (search.values.get('status') ?? []).map(
      ({ value }) => value,
    );
    const dates = (search.values.get('date') ?? []).map(({ value }) =>
      instantMatcher(value),
    );
    const testIds = [...new Set(ids.map((id) => id?.testId))];
    const impossible =
      patient === 'none' ||
      codes.some((code) => code === undefined) ||
      ids.some((id) => id === undefined) ||
      testIds.length > 1;
    const matches = (test: MedicalTest, index: number) => {
      const observation = test.observations[index];
      return (
        ids.every((id) => id?.index === index) &&
        codes.every((code) => code === observation.code) &&
        statuses.every(
          (status) => status === fhirObservationStatus(observation.status),
        ) &&
        dates.every((matcher) => matcher(new Date(observation.issued)))
      );
    };
    const page = impossible
      ? { items: [] }
      : await pageOfTestItems({
          query: {
            ...patient,
            testIds: testIds as string[],
            observations: codes.map((code) => ({ code })),
          },
          count: search.count,
          continuationToken: search.continuationToken,
          itemsOf: (test) =>
            test.observations
              .map((_, index) => index)
              .filter((index) => matches(test, index))
              .map((index) => ({ test, index })),
          fetch: (testQuery, limit, fromId) =>
            this.tests.query(testQuery, limit, fromId),
        });
    const reports = new Map(
      page.items.map(({ test }) => [test.id, test] as const),
    );
    return searchsetBundle({
      baseUrl,
      resourceType: 'Observation',
      search,
      matches: page.items.map(({ test, index }) =>
        toFhirObservation(test, index),
      ),
      included:
        search.revIncludes.length > 0
          ? [...reports.values()].map(toFhirDiagnosticReport)
          : [],
      continuationToken: page.continuationToken,
    });
  }
}
