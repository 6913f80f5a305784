import type { DiagnosticReport } from '@medplum/fhirtypes';
import type { MedicalTest } from '../../medical-tests/medical-test.dto';
import {
  fhirObservationStatus,
  instantOf,
  observationIdOf,
  orderOf,
  testMetaOf,
} from '../observation/observation.mapper';

/** Our tests carry no code of their own; FHIR requires one, so every report says what it is in text. */
export const REPORT_CODE = { text: 'Medical test' };

/** A report's status: its observations' common status, or `partial` when they differ. */
export function reportStatus(test: MedicalTest): DiagnosticReport['status'] {
  const statuses = new Set(
    test.observations.map((observation) =>
      fhirObservationStatus(observation.status),
    ),
  );
  return statuses.size === 1 ? [...statuses][0] : 'partial';
}

/** When a report was issued: its latest observation's `issued`. */
export const reportIssued = (test: MedicalTest) =>
  test.observations
    .map((observation) => instantOf(observation.issued))
    .sort()
    .at(-1);

/** A test as a FHIR R4 DiagnosticReport, its observations as `result` references. */
export function toFhirDiagnosticReport(
  test: MedicalTest,
): DiagnosticReport & { id: string } {
  return {
    resourceType: 'DiagnosticReport',
    id: test.id,
    meta: testMetaOf(test),
    basedOn: [orderOf(test)],
    status: reportStatus(test),
    code: REPORT_CODE,
    subject: { reference: `Patient/${test.patientId}` },
    issued: reportIssued(test),
    performer: [{ display: test.performer }],
    result: test.observations.map((_, index) => ({
      reference: `Observation/${observationIdOf(test.id, index)}`,
    })),
  };
}
