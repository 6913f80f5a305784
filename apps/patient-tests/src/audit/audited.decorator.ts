import { SetMetadata } from '@nestjs/common';

export const AUDIT_ACTION = 'audit:action';

/** `capabilities`: the FHIR CapabilityStatement, which names no patient but is still an access. */
export type AuditedResource = 'patient' | 'test' | 'capabilities';
export type AuditedOperation = 'create' | 'read' | 'update' | 'search' | 'list';

/**
 * What a route does, for the audit register.
 * - `resourceId`: where the audited resource's id comes from: a route parameter (`recordedAs` names the
 *   resource the register records for it: an Observation's test), the id the server assigns to a
 *   resource being created, or none (search, list).
 * - `patients`: whose data it concerns: the patient a route parameter names, the patient being created
 *   (its assigned id), each patient the result returns (search), the patients the request body names
 *   (a FHIR transaction, known before the write), or none (the CapabilityStatement).
 * - `disclosedIn`: for results that are neither a page nor an array (FHIR resources and Bundles), the
 *   patients the response names; a write's outcome record names them too (a FHIR conditional create
 *   answers with a patient that already existed, not the one it was about to create).
 */
export interface AuditAction {
  resource: AuditedResource;
  operation: AuditedOperation;
  resourceId:
    | { param: string; recordedAs?: (value: string) => string }
    | 'assigned'
    | 'none';
  patients:
    | { param: string }
    | 'assigned'
    | 'returned'
    | 'none'
    | { inBody: (body: unknown) => string[] };
  disclosedIn?: (result: unknown) => string[];
}

/** Writes are recorded before they happen; everything else once its result is known. */
export const isWrite = (action: AuditAction) =>
  action.operation === 'create' || action.operation === 'update';

/** Declares a route's audit action; the audit interceptor records it (see AuditInterceptor). */
export const Audited = (action: AuditAction) =>
  SetMetadata(AUDIT_ACTION, action);
