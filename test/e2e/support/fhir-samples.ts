import { randomUUID } from 'node:crypto';

/** The identifier systems the FHIR interface maps a test's order reference and observation ids to. */
export const ORDER = 'urn:patient-tests:order-reference';
export const OBSERVATION_ID = 'urn:patient-tests:observation-id';

/** A transaction Bundle creating a report for `patientId` with observations of these codes. */
export function transactionBundle(
  patientId: string,
  observations: { code: string; status?: string; issued?: string }[],
  overrides: { report?: Record<string, unknown> } = {},
) {
  const urls = observations.map(() => `urn:uuid:${randomUUID()}`);
  const subject = { reference: `Patient/${patientId}` };
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        fullUrl: `urn:uuid:${randomUUID()}`,
        resource: {
          resourceType: 'DiagnosticReport',
          status: 'final',
          code: { text: 'Full blood count' },
          subject,
          basedOn: [
            {
              type: 'ServiceRequest',
              identifier: { system: ORDER, value: `ORD-${randomUUID()}` },
            },
          ],
          performer: [{ display: 'Pathology lab 3' }],
          result: urls.map((reference) => ({ reference })),
          ...overrides.report,
        },
        request: { method: 'POST', url: 'DiagnosticReport' },
      },
      ...observations.map((observation, index) => ({
        fullUrl: urls[index],
        resource: {
          resourceType: 'Observation',
          identifier: [{ system: OBSERVATION_ID, value: `obs-${index + 1}` }],
          status: observation.status ?? 'final',
          code: { coding: [{ code: observation.code }] },
          subject,
          issued: observation.issued ?? '2026-11-20T09:30:00Z',
          valueString: '13.5 g/dL',
          interpretation: [{ text: 'normal' }],
        },
        request: { method: 'POST', url: 'Observation' },
      })),
    ],
  };
}
