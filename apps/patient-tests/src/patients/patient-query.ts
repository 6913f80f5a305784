import type { Patient } from './patient.dto';

/** A text criterion: the exact value, or (FHIR string search) a case-insensitive prefix. */
export type TextMatch = { exact: string } | { startsWith: string };

/**
 * Search criteria richer than the JSON API's exact matches, for the FHIR search: every criterion is a
 * list of conditions that must all hold (a repeated FHIR parameter is ANDed).
 */
export interface PatientQuery {
  ids?: string[];
  insuranceNumbers?: string[];
  genders?: Patient['gender'][];
  lastNames?: TextMatch[];
  firstNames?: TextMatch[];
  postCodes?: TextMatch[];
  /** Inclusive bounds on the stored `dateOfBirth` string. */
  dateOfBirth?: { gte?: string; lte?: string }[];
}
