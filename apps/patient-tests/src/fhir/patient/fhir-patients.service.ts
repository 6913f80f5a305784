import { BadRequestError, NotFoundError } from '@app/shared/errors';
import type { Patient as FhirPatient } from '@medplum/fhirtypes';
import { Injectable } from '@nestjs/common';
import { PatientsService } from '../../patients/patients.service';
import { SearchsetBundle, searchsetBundle } from '../bundle';
import { FhirResult } from '../fhir-result';
import { isStrict, parseSearch } from '../search-parameters';
import { FhirPatientInput } from './fhir-patient.dto';
import { fromFhirPatient, toFhirPatient } from './patient.mapper';
import {
  insuranceNumberOf,
  PATIENT_SEARCH,
  patientQueryOf,
} from './patient-search';

/** FHIR's `W/"3"` as the JSON API's `"3"`: the same version, in the form its If-Match parser takes. */
const strongIfMatch = (header: string | undefined) =>
  header?.replace(/W\/(?=")/g, '');

const invalidConditionalCreate = (detail: string) =>
  new BadRequestError('INVALID_CONDITIONAL_CREATE', detail);

/** The insurance number an `If-None-Exist` names; it must be the resource's own identifier. */
function conditionalIdentifier(
  ifNoneExist: string,
  resource: FhirPatientInput,
): string {
  const criteria = [...new URLSearchParams(ifNoneExist)];
  if (criteria.length !== 1 || criteria[0][0] !== 'identifier') {
    throw invalidConditionalCreate(
      'If-None-Exist supports exactly one criterion: identifier=[system|]value.',
    );
  }
  const number = insuranceNumberOf(criteria[0][1]);
  if (number === undefined || number !== resource.identifier?.[0]?.value) {
    throw invalidConditionalCreate(
      "If-None-Exist must name the Patient's own insurance-number identifier.",
    );
  }
  return number;
}

/** The FHIR Patient interactions, over the JSON API's patients (same store, versions and rules). */
@Injectable()
export class FhirPatientsService {
  constructor(private readonly patients: PatientsService) {}

  async read(id: string): Promise<FhirResult<FhirPatient & { id: string }>> {
    return new FhirResult(toFhirPatient(await this.patients.get(id)));
  }

  /** `vread`: only the current version is kept, so an older one is not found. */
  async readVersion(
    id: string,
    versionId: string,
  ): Promise<FhirResult<FhirPatient & { id: string }>> {
    const current = await this.read(id);
    if (current.resource.meta?.versionId !== versionId) {
      throw new NotFoundError(
        'VERSION_NOT_FOUND',
        'Only the current version of a patient is kept.',
      );
    }
    return current;
  }

  /**
   * Creates a patient under `id` (assigned and audited before the write); with `If-None-Exist`, only
   * if no patient carries the identifier, else 200 with that patient.
   */
  async create(
    id: string,
    resource: FhirPatientInput,
    ifNoneExist: string | undefined,
  ): Promise<FhirResult> {
    const fields = fromFhirPatient(resource);
    if (ifNoneExist === undefined) {
      return FhirResult.created(
        toFhirPatient(await this.patients.create(id, fields)),
      );
    }
    const insuranceNumber = conditionalIdentifier(ifNoneExist, resource);
    const { created, patient } = await this.patients.createUnlessIdentified(
      id,
      { ...fields, insuranceNumber },
    );
    const result = toFhirPatient(patient);
    return created ? FhirResult.created(result) : new FhirResult(result);
  }

  async update(
    id: string,
    resource: FhirPatientInput,
    ifMatch: string | undefined,
  ): Promise<FhirResult> {
    if (resource.id !== id) {
      throw new BadRequestError(
        'PATIENT_ID_MISMATCH',
        'An update must carry the id of the Patient it replaces.',
      );
    }
    const updated = await this.patients.update(
      id,
      { ...fromFhirPatient(resource), id },
      strongIfMatch(ifMatch),
    );
    return new FhirResult(toFhirPatient(updated));
  }

  async search(
    query: Record<string, unknown>,
    prefer: string | undefined,
    baseUrl: string,
  ): Promise<SearchsetBundle> {
    const search = parseSearch(query, PATIENT_SEARCH, {
      strict: isStrict(prefer),
    });
    const patientQuery = patientQueryOf(search.values);
    if (patientQuery === 'none') {
      return searchsetBundle({
        baseUrl,
        resourceType: 'Patient',
        search,
        matches: [],
        total: 0,
      });
    }
    const page = await this.patients.query(patientQuery, {
      limit: search.count,
      continuationToken: search.continuationToken,
    });
    // Counted on the first page only: one more query per search, not per page.
    const total = search.continuationToken
      ? undefined
      : page.continuationToken
        ? await this.patients.count(patientQuery)
        : page.items.length;
    return searchsetBundle({
      baseUrl,
      resourceType: 'Patient',
      search,
      matches: page.items.map(toFhirPatient),
      continuationToken: page.continuationToken,
      total,
    });
  }
}
