import type { FilterQuery } from 'mongoose';
import type { AuditRecordDocument } from '../audit-records/audit-record.schema';
import type { Criterion, EntityReference } from './audit-event-search';
import { registerTypeOf } from './register-resources';

type RecordFilter = FilterQuery<AuditRecordDocument>;

/**
 * What an entity reference matches in the register (each alternative served by an index but the
 * attempt's): a patient is named in `patientIds` or is the resource touched; a DiagnosticReport is a
 * test; an AuditEvent is the attempt an outcome record completes; an id without a type, any of them.
 */
function entityAlternatives({ type, id }: EntityReference): RecordFilter[] {
  if (type === undefined) {
    return [{ patientIds: id }, { 'resource.id': id }, { attemptId: id }];
  }
  if (type === 'AuditEvent') {
    return [{ attemptId: id }];
  }
  const registerType = registerTypeOf(type);
  if (registerType === undefined) {
    return [];
  }
  const touched = { 'resource.type': registerType, 'resource.id': id };
  return registerType === 'patient' ? [{ patientIds: id }, touched] : [touched];
}

/** One criterion as a filter, or undefined when no record can match it. */
function clauseOf(criterion: Criterion): RecordFilter | undefined {
  switch (criterion.on) {
    case 'entity': {
      const alternatives = criterion.anyOf.flatMap(entityAlternatives);
      return alternatives.length > 0 ? { $or: alternatives } : undefined;
    }
    case 'patient':
      return { patientIds: { $in: criterion.anyOf } };
    case 'agent':
      return criterion.anyOf.length > 0
        ? {
            $or: [
              { actor: { $in: criterion.anyOf } },
              { 'onBehalfOf.actor': { $in: criterion.anyOf } },
            ],
          }
        : undefined;
    case 'recorded': {
      const { from, before } = criterion.range;
      return {
        createdDate: {
          ...(from && { $gte: from }),
          ...(before && { $lt: before }),
        },
      };
    }
    case 'id':
      return { recordId: { $in: criterion.anyOf } };
  }
}

/**
 * The register filter of a search's criteria (ANDed), or undefined when no record can match, so the
 * search answers an empty page without asking the database.
 */
export function recordFilterOf(
  criteria: Criterion[],
): RecordFilter | undefined {
  const clauses: RecordFilter[] = [];
  for (const criterion of criteria) {
    const clause = clauseOf(criterion);
    if (clause === undefined) {
      return undefined;
    }
    clauses.push(clause);
  }
  return clauses.length > 0 ? { $and: clauses } : {};
}
