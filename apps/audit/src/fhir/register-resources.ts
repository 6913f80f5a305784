import type { Reference } from '@medplum/fhirtypes';
import { registerIdSystem } from './fhir-namespace';

/**
 * The register's resource types as FHIR resource types: a patient-tests test is one DiagnosticReport
 * (with its observations), and `capabilities` is the FHIR interface's CapabilityStatement.
 */
const FHIR_TYPE_OF_REGISTER_TYPE: Readonly<Record<string, string>> = {
  patient: 'Patient',
  test: 'DiagnosticReport',
  capabilities: 'CapabilityStatement',
};

const REGISTER_TYPE_OF_FHIR_TYPE: Readonly<Record<string, string>> =
  Object.fromEntries(
    Object.entries(FHIR_TYPE_OF_REGISTER_TYPE).map(([register, fhir]) => [
      fhir,
      register,
    ]),
  );

/** FHIR R4's `id` datatype. */
const FHIR_ID = /^[A-Za-z0-9.-]{1,64}$/;

export const isFhirId = (value: string) => FHIR_ID.test(value);

export const fhirTypeOf = (registerType: string): string | undefined =>
  Object.hasOwn(FHIR_TYPE_OF_REGISTER_TYPE, registerType)
    ? FHIR_TYPE_OF_REGISTER_TYPE[registerType]
    : undefined;

export const registerTypeOf = (fhirType: string): string | undefined =>
  Object.hasOwn(REGISTER_TYPE_OF_FHIR_TYPE, fhirType)
    ? REGISTER_TYPE_OF_FHIR_TYPE[fhirType]
    : undefined;

/**
 * A literal reference (`Patient/<id>`) when the register's type has a FHIR type and its id is a valid
 * FHIR id; otherwise the id as it was recorded, as an identifier (the register keeps malformed and
 * unknown ids too, since a probe of one is an access worth recording).
 */
export function referenceTo(registerType: string, id: string): Reference {
  const fhirType = fhirTypeOf(registerType);
  return fhirType !== undefined && isFhirId(id)
    ? { reference: `${fhirType}/${id}` }
    : { identifier: { system: registerIdSystem(registerType), value: id } };
}
