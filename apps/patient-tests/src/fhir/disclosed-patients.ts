/** The patient id a `Patient/<id>` reference names, if it is one. */
export const patientIdOfReference = (reference: unknown) =>
  typeof reference === 'string' && reference.startsWith('Patient/')
    ? reference.slice('Patient/'.length)
    : undefined;

interface ResourceLike {
  resourceType?: unknown;
  id?: unknown;
  subject?: { reference?: unknown };
  entry?: { resource?: ResourceLike }[];
}

/**
 * Every patient a FHIR response discloses, for the audit record: a Patient's id, the subject of a
 * DiagnosticReport or Observation, and the same in each entry of a Bundle.
 */
export function patientIdsIn(result: unknown): string[] {
  const resource = result as ResourceLike | null | undefined;
  if (!resource || typeof resource !== 'object') {
    return [];
  }
  if (resource.resourceType === 'Bundle') {
    return [
      ...new Set(
        (resource.entry ?? []).flatMap((entry) => patientIdsIn(entry.resource)),
      ),
    ];
  }
  if (resource.resourceType === 'Patient') {
    return typeof resource.id === 'string' ? [resource.id] : [];
  }
  const subject = patientIdOfReference(resource.subject?.reference);
  return subject ? [subject] : [];
}
