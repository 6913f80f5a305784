import type { CapabilityStatement } from '@medplum/fhirtypes';
import { DIAGNOSTIC_REPORT_SEARCH } from '../diagnostic-report/fhir-diagnostic-reports.service';
import { FHIR_CONTENT_TYPE } from '../fhir-wire';
import { OBSERVATION_SEARCH } from '../observation/fhir-observations.service';
import { PATIENT_SEARCH } from '../patient/patient-search';
import type { ResourceSearch } from '../search-parameters';

type SearchParam = NonNullable<
  NonNullable<
    NonNullable<CapabilityStatement['rest']>[number]['resource']
  >[number]['searchParam']
>[number];

const SEARCH_PARAMETER_TYPES: Record<string, SearchParam['type']> = {
  _id: 'token',
  identifier: 'token',
  family: 'string',
  given: 'string',
  birthdate: 'date',
  gender: 'token',
  'address-postalcode': 'string',
  patient: 'reference',
  subject: 'reference',
  code: 'token',
  status: 'token',
  date: 'date',
};

const SEARCH_PARAMETER_NOTES: Record<string, string> = {
  family: 'Case-insensitive prefix; :exact for the exact value.',
  given: 'Case-insensitive prefix; :exact for the exact value.',
  'address-postalcode': 'Case-insensitive prefix; :exact for the exact value.',
  birthdate: 'Prefixes eq (default), ge, le.',
  identifier: 'The insurance number, urn:patient-tests:insurance-number.',
  date: 'Compared with issued (the effective time is not recorded); prefixes eq, ge, le, gt, lt.',
  code: 'Codes carry no system: code=<code> or code=|<code>.',
  status: "Of a report: its observations' common status, or partial.",
};

/**
 * A resource's search as the statement gives it: its parameters and exactly the inclusions it answers.
 * FHIR JSON has no empty arrays, so a search without inclusions has no searchInclude / searchRevInclude.
 */
function searchCapabilities({
  parameters,
  includes = [],
  revIncludes = [],
}: ResourceSearch) {
  const searchParam: SearchParam[] = Object.keys(parameters).map((name) => ({
    name,
    type: SEARCH_PARAMETER_TYPES[name],
    ...(SEARCH_PARAMETER_NOTES[name] && {
      documentation: SEARCH_PARAMETER_NOTES[name],
    }),
  }));
  return {
    ...(includes.length > 0 && { searchInclude: [...includes] }),
    ...(revIncludes.length > 0 && { searchRevInclude: [...revIncludes] }),
    searchParam,
  };
}

/**
 * What this server supports, exactly: built from the same search definitions the searches read, so it
 * cannot claim a parameter or an inclusion the code does not take, nor leave out one it does.
 */
export function capabilityStatement(
  baseUrl: string,
  date: string,
): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date,
    kind: 'instance',
    software: { name: 'patient-tests' },
    implementation: {
      description: 'Patients and their medical tests, every access audited',
      url: baseUrl,
    },
    fhirVersion: '4.0.1',
    format: [FHIR_CONTENT_TYPE, 'json'],
    rest: [
      {
        mode: 'server',
        documentation:
          'API key in the x-functions-key header. Search parameters, modifiers and _include/_revinclude values not listed here are ignored unless Prefer: handling=strict, which refuses them (400). Every interaction is recorded in the audit register.',
        interaction: [{ code: 'transaction' }],
        resource: [
          {
            type: 'Patient',
            interaction: [
              { code: 'read' },
              { code: 'vread' },
              { code: 'create' },
              { code: 'update' },
              { code: 'search-type' },
            ],
            versioning: 'versioned-update',
            readHistory: false,
            updateCreate: false,
            conditionalCreate: true,
            conditionalUpdate: false,
            conditionalDelete: 'not-supported',
            ...searchCapabilities(PATIENT_SEARCH),
          },
          {
            type: 'DiagnosticReport',
            documentation:
              'One per medical test; created with its Observations by a transaction Bundle.',
            interaction: [{ code: 'read' }, { code: 'search-type' }],
            ...searchCapabilities(DIAGNOSTIC_REPORT_SEARCH),
          },
          {
            type: 'Observation',
            documentation:
              'One per observation of a medical test; created with its report by a transaction Bundle.',
            interaction: [{ code: 'read' }, { code: 'search-type' }],
            ...searchCapabilities(OBSERVATION_SEARCH),
          },
        ],
      },
    ],
  };
}
