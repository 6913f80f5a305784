/** FHIR search over tests: optional patient, and conditions one observation of the test must meet. */
export interface MedicalTestQuery {
  patientId?: string;
  /** Each must be the test's id (a repeated `_id`). */
  testIds?: string[];
  /** Each must hold for some observation of the test (a narrowing: not necessarily the same one). */
  observations?: { code?: string; status?: string }[];
}
