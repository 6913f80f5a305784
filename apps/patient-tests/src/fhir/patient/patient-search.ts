import { GENDERS } from '../../patients/patient.dto';
import type { PatientQuery, TextMatch } from '../../patients/patient-query';
import {
  dateRangeOf,
  datePrefixOf,
  ResourceSearch,
  SearchValue,
  tokenOf,
} from '../search-parameters';
import { INSURANCE_NUMBER_SYSTEM } from './fhir-patient.dto';

/**
 * The Patient search (the CapabilityStatement lists the same). No `_include` or `_revinclude`: a
 * Patient references nothing this server serves, and its tests are searched by `patient` on
 * DiagnosticReport or Observation.
 */
export const PATIENT_SEARCH = {
  parameters: {
    _id: {},
    identifier: {},
    family: { modifiers: ['exact'] },
    given: { modifiers: ['exact'] },
    birthdate: {},
    gender: {},
    'address-postalcode': { modifiers: ['exact'] },
  },
} as const satisfies ResourceSearch;

/** FHIR string search: a case-insensitive prefix, or the exact value with `:exact`. */
const textMatch = ({ modifier, value }: SearchValue): TextMatch =>
  modifier === 'exact' ? { exact: value } : { startsWith: value };

const isGender = (value: string): value is (typeof GENDERS)[number] =>
  (GENDERS as readonly string[]).includes(value);

/** An identifier token names our insurance number when its system is ours or not given. */
export function insuranceNumberOf(value: string): string | undefined {
  const { system, code } = tokenOf(value);
  return system === undefined || system === INSURANCE_NUMBER_SYSTEM
    ? code
    : undefined;
}

/**
 * The stored-patient query for a FHIR Patient search, or `none` when a criterion can match no patient
 * (an identifier of another system, a gender outside the value set).
 *
 * `birthdate` compares the stored date of birth, which may be partial (`1990`, `1990-05`), as text:
 * `eq1990` finds every date in 1990, `ge`/`le` bound it. A partial date of birth is found by `le` of
 * a day in its period, not by `ge` of one (docs/fhir.md).
 */
export function patientQueryOf(
  values: Map<string, SearchValue[]>,
): PatientQuery | 'none' {
  const query: PatientQuery = {};
  for (const [name, list] of values) {
    switch (name) {
      case '_id':
        query.ids = list.map(({ value }) => value);
        break;
      case 'identifier': {
        const numbers = list.map(({ value }) => insuranceNumberOf(value));
        if (numbers.some((number) => number === undefined)) {
          return 'none';
        }
        query.insuranceNumbers = numbers as string[];
        break;
      }
      case 'gender': {
        const genders = list.map(({ value }) => value);
        if (!genders.every(isGender)) {
          return 'none';
        }
        query.genders = genders;
        break;
      }
      case 'family':
        query.lastNames = list.map(textMatch);
        break;
      case 'given':
        query.firstNames = list.map(textMatch);
        break;
      case 'address-postalcode':
        query.postCodes = list.map(textMatch);
        break;
      case 'birthdate':
        query.dateOfBirth = list.map(({ value }) => {
          const { prefix, date } = datePrefixOf(value);
          const { last } = dateRangeOf(date);
          if (prefix === 'ge') {
            return { gte: date };
          }
          return prefix === 'le' ? { lte: last } : { gte: date, lte: last };
        });
        break;
    }
  }
  return query;
}
