import { SetMetadata } from '@nestjs/common';

export const AUDIT_ACTION = 'audit:action';

export type AuditedResource = 'patient' | 'test';
export type AuditedOperation = 'create' | 'read' | 'update' | 'search' | 'list';

/**
 * What a route does, for the audit register.
 * - `resourceId`: where the audited resource's id comes from: a route parameter, the id the server
 *   assigns to a resource being created, or none (search, list).
 * - `patients`: whose data it concerns: the patient a route parameter names, the patient being created
 *   (its assigned id), or each patient the result returns (search).
 */
export interface AuditAction {
  resource: AuditedResource;
  operation: AuditedOperation;
  resourceId: { param: string } | 'assigned' | 'none';
  patients: { param: string } | 'assigned' | 'returned';
}

/** Writes are recorded before they happen; everything else once its result is known. */
export const isWrite = (action: AuditAction) =>
  action.operation === 'create' || action.operation === 'update';

/** Declares a route's audit action; the audit interceptor records it (see AuditInterceptor). */
export const Audited = (action: AuditAction) =>
  SetMetadata(AUDIT_ACTION, action);
