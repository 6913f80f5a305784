import { DomainError, NotFoundError } from '@app/shared/errors';

/** Paths this interface serves, for telling a wrong method (405) from a wrong path (404). */
const SERVED_PATH = /^\/?(metadata|AuditEvent(\/[A-Za-z0-9.-]{1,64})?)\/?$/;

/**
 * What any other FHIR request gets: AuditEvents are read-only (the register is appended through the
 * JSON API by the systems it audits), and no other resource type lives here.
 */
export function unsupportedInteraction(method: string, path: string): never {
  if (SERVED_PATH.test(path)) {
    throw new DomainError(
      'FHIR_INTERACTION_NOT_SUPPORTED',
      405,
      `${method} is not supported here: AuditEvents are read-only, served by GET (see /api/fhir/metadata).`,
    );
  }
  throw new NotFoundError(
    'FHIR_RESOURCE_NOT_SUPPORTED',
    'This FHIR server serves AuditEvent (read, search) and metadata only.',
  );
}
