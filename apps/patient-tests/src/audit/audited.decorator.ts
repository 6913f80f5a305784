import { SetMetadata } from '@nestjs/common';

export const AUDIT_ACTION = 'audit:action';

export type AuditedResource = 'patient' | 'test';
export type AuditedOperation = 'create' | 'read' | 'update' | 'search';

/**
 * What a route does, for the audit register. `resourceId` says where the audited id comes from:
 * a route parameter, the id the server assigns to a resource being created, or none (search).
 */
export interface AuditAction {
  resource: AuditedResource;
  operation: AuditedOperation;
  resourceId: { param: string } | 'assigned' | 'none';
}

/** Declares a route's audit action; the audit interceptor records it before the handler runs. */
export const Audited = (action: AuditAction) =>
  SetMetadata(AUDIT_ACTION, action);
