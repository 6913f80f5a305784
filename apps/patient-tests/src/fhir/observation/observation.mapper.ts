import type { Observation } from '@medplum/fhirtypes';
import type { MedicalTest } from '../../medical-tests/medical-test.dto';
import { metaOf } from '../patient/patient.mapper';

/** The identifier system of an observation's own id, as the client gave it. */
export const OBSERVATION_ID_SYSTEM = 'urn:patient-tests:observation-id';
/** The identifier system of a test's order reference. */
export const ORDER_REFERENCE_SYSTEM = 'urn:patient-tests:order-reference';

/** FHIR's observation-status value set; a stored status outside it is shown as `unknown`. */
export const OBSERVATION_STATUSES = [
  'registered',
  'preliminary',
  'final',
  'amended',
  'corrected',
  'cancelled',
  'entered-in-error',
  'unknown',
] as const;
export type ObservationStatus = (typeof OBSERVATION_STATUSES)[number];

export const fhirObservationStatus = (status: string): ObservationStatus =>
  (OBSERVATION_STATUSES as readonly string[]).includes(status)
    ? (status as ObservationStatus)
    : 'unknown';

/**
 * An Observation's id: its test's id and its 1-based position in the test. The client's own
 * observation id is free text (any characters, up to 256), so it is kept as an identifier instead.
 */
export const observationIdOf = (testId: string, index: number) =>
  `${testId}.${index + 1}`;

export function parseObservationId(
  id: string,
): { testId: string; index: number } | undefined {
  const match = /^([0-9a-f-]{36})\.(\d{1,3})$/.exec(id);
  return match ? { testId: match[1], index: Number(match[2]) - 1 } : undefined;
}

/** The test an Observation id names, or the id itself when it names none (audited as given). */
export const testIdOfObservation = (id: string) =>
  parseObservationId(id)?.testId ?? id;

/** `issued` as stored is the client's text (any offset); FHIR's instant wants seconds, so normalised. */
export const instantOf = (issued: string) => new Date(issued).toISOString();

export const testMetaOf = (test: MedicalTest) =>
  // Tests are never updated: every test is at its first version.
  metaOf(1, test.lastUpdated);

export const orderOf = (test: MedicalTest) => ({
  type: 'ServiceRequest' as const,
  identifier: { system: ORDER_REFERENCE_SYSTEM, value: test.orderReference },
});

/** The `index`-th observation of a test as a FHIR R4 Observation. */
export function toFhirObservation(
  test: MedicalTest,
  index: number,
): Observation & { id: string } {
  const observation = test.observations[index];
  return {
    resourceType: 'Observation',
    id: observationIdOf(test.id, index),
    meta: testMetaOf(test),
    identifier: [{ system: OBSERVATION_ID_SYSTEM, value: observation.id }],
    basedOn: [orderOf(test)],
    status: fhirObservationStatus(observation.status),
    code: { coding: [{ code: observation.code }] },
    subject: { reference: `Patient/${test.patientId}` },
    issued: instantOf(observation.issued),
    performer: [{ display: test.performer }],
    valueString: observation.measurement,
    interpretation: [{ text: observation.interpretation }],
  };
}
