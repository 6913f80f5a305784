import type { Versioned } from '@app/shared/http';
import type { Patient as FhirPatient } from '@medplum/fhirtypes';
import type { Patient, WritablePatient } from '../../patients/patient.dto';
import { FhirPatientInput, INSURANCE_NUMBER_SYSTEM } from './fhir-patient.dto';

/** The FHIR `meta` of a stored resource: its version is the JSON API's ETag, `lastUpdated` the same. */
export const metaOf = (version: number, lastUpdated: string) => ({
  versionId: String(version),
  lastUpdated,
});

/** A stored patient as a FHIR R4 Patient: field by field, so nothing else can reach a response. */
export function toFhirPatient({
  value: patient,
  version,
}: Versioned<Patient>): FhirPatient & { id: string } {
  return {
    resourceType: 'Patient',
    id: patient.id,
    meta: metaOf(version, patient.lastUpdated),
    ...(patient.insuranceNumber !== undefined && {
      identifier: [
        { system: INSURANCE_NUMBER_SYSTEM, value: patient.insuranceNumber },
      ],
    }),
    name: [
      {
        use: 'official',
        ...(patient.fullName !== undefined && { text: patient.fullName }),
        ...(patient.lastName !== undefined && { family: patient.lastName }),
        given: [patient.firstName],
      },
    ],
    ...(patient.preferredContactNumber !== undefined && {
      telecom: [
        { system: 'phone', value: patient.preferredContactNumber, rank: 1 },
      ],
    }),
    gender: patient.gender,
    birthDate: patient.dateOfBirth,
    address: [{ postalCode: patient.postCode }],
  };
}

/** The fields a FHIR Patient writes, as the JSON API stores them. */
export function fromFhirPatient(resource: FhirPatientInput): WritablePatient {
  const [name] = resource.name;
  const fields: WritablePatient = {
    firstName: name.given[0],
    lastName: name.family,
    fullName: name.text,
    gender: resource.gender,
    dateOfBirth: resource.birthDate,
    postCode: resource.address[0].postalCode,
    insuranceNumber: resource.identifier?.[0]?.value,
    preferredContactNumber: resource.telecom?.[0]?.value,
  };
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  ) as WritablePatient;
}
