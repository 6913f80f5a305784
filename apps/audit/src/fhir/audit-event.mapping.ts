import type {
  AuditEvent,
  AuditEventAgent,
  AuditEventEntity,
  Coding,
  Extension,
} from '@medplum/fhirtypes';
import type { AuditRecord } from '../audit-records/audit-record.dto';
import {
  CALLER_SYSTEM,
  CHAIN_POSITION_EXTENSION,
  REGISTER_OPERATION_SYSTEM,
  SOURCE_SYSTEM,
  UNVERIFIED_CALLER_EXTENSION,
} from './fhir-namespace';
import { referenceTo } from './register-resources';

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const ENTITY_TYPE = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const OBJECT_ROLE = 'http://terminology.hl7.org/CodeSystem/object-role';
const BALP_ENTITY_TYPE =
  'https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType';
/** The correlation id is a W3C trace id (the register's `correlationId`). */
const TRACE_ID_SYSTEM = 'https://www.w3.org/TR/trace-context/#trace-id';

const REST: Coding = {
  system: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
  code: 'rest',
  display: 'Restful Operation',
};

type Action = NonNullable<AuditEvent['action']>;

/** The register's operations as BALP's RESTful patterns: a list (a patient's tests) is a search. */
const INTERACTIONS: Readonly<
  Record<string, { action: Action; interaction: string }>
> = {
  create: { action: 'C', interaction: 'create' },
  read: { action: 'R', interaction: 'read' },
  update: { action: 'U', interaction: 'update' },
  delete: { action: 'D', interaction: 'delete' },
  search: { action: 'E', interaction: 'search-type' },
  list: { action: 'E', interaction: 'search-type' },
};

const SOURCE_ROLE: Coding = {
  system: DCM,
  code: '110153',
  display: 'Source Role ID',
};
const DESTINATION_ROLE: Coding = {
  system: DCM,
  code: '110152',
  display: 'Destination Role ID',
};

const PERSON: Coding = { system: ENTITY_TYPE, code: '1', display: 'Person' };
const SYSTEM_OBJECT: Coding = {
  system: ENTITY_TYPE,
  code: '2',
  display: 'System Object',
};
const PATIENT_ROLE: Coding = {
  system: OBJECT_ROLE,
  code: '1',
  display: 'Patient',
};
const DOMAIN_RESOURCE_ROLE: Coding = {
  system: OBJECT_ROLE,
  code: '4',
  display: 'Domain Resource',
};
const QUERY_ROLE: Coding = {
  system: OBJECT_ROLE,
  code: '24',
  display: 'Query',
};

/** How an `attempted` record reads: its outcome is the record that names it as its attempt. */
export const ATTEMPTED_OUTCOME_DESC = 'attempted';

type Outcome = NonNullable<AuditEvent['outcome']>;

/**
 * The HTTP status as FHIR's outcome: 4xx the request was refused (minor), a dependency unavailable
 * (503, 504) a serious failure that may be retried, any other 5xx a major failure of the service.
 */
export function outcomeOf(status: number): Outcome {
  if (status < 400) {
    return '0';
  }
  if (status < 500) {
    return '4';
  }
  return status === 503 || status === 504 ? '8' : '12';
}

interface CallerFields {
  actor?: string;
  clientAddress?: string;
  unverified?: { actor?: string; clientAddress?: string };
}

function unverifiedExtension(
  unverified: CallerFields['unverified'],
): Extension[] | undefined {
  const claims: Extension[] = [];
  if (unverified?.actor !== undefined) {
    claims.push({ url: 'actor', valueString: unverified.actor });
  }
  if (unverified?.clientAddress !== undefined) {
    claims.push({
      url: 'clientAddress',
      valueString: unverified.clientAddress,
    });
  }
  return claims.length > 0
    ? [{ url: UNVERIFIED_CALLER_EXTENSION, extension: claims }]
    : undefined;
}

function agentOf(
  caller: CallerFields,
  role: Coding,
  requestor: boolean,
): AuditEventAgent {
  return {
    extension: unverifiedExtension(caller.unverified),
    type: { coding: [role] },
    who:
      caller.actor === undefined
        ? undefined
        : {
            identifier: { system: CALLER_SYSTEM, value: caller.actor },
            display: caller.actor,
          },
    requestor,
    network:
      caller.clientAddress === undefined
        ? undefined
        : { address: caller.clientAddress, type: '2' },
  };
}

/**
 * The requestor is the client a service acted for (`onBehalfOf`, as that service asserts it) with the
 * service, the verified caller of the audit API, as the server that was accessed; a record appended
 * without `onBehalfOf` has its verified caller as the requestor.
 */
function agentsOf(record: AuditRecord): AuditEventAgent[] {
  const caller: CallerFields = {
    actor: record.actor,
    clientAddress: record.clientAddress,
    unverified: record.unverified,
  };
  return record.onBehalfOf === undefined
    ? [agentOf(caller, SOURCE_ROLE, true)]
    : [
        agentOf(record.onBehalfOf, SOURCE_ROLE, true),
        agentOf(caller, DESTINATION_ROLE, false),
      ];
}

function resourceEntity({
  type,
  id,
  operation,
}: AuditRecord['resource']): AuditEventEntity {
  if (id !== undefined) {
    return {
      what: referenceTo(type, id),
      type: SYSTEM_OBJECT,
      role: DOMAIN_RESOURCE_ROLE,
    };
  }
  // A search or list names no resource; what it disclosed is in the patient entities.
  return {
    type: SYSTEM_OBJECT,
    role: QUERY_ROLE,
    name: type,
    description: `${operation} of ${type}`,
  };
}

function entitiesOf(record: AuditRecord): AuditEventEntity[] {
  const patients = (record.patientIds ?? []).map(
    (patientId): AuditEventEntity => ({
      what: referenceTo('patient', patientId),
      type: PERSON,
      role: PATIENT_ROLE,
    }),
  );
  const correlation: AuditEventEntity = {
    what: {
      identifier: { system: TRACE_ID_SYSTEM, value: record.correlationId },
    },
    type: { system: BALP_ENTITY_TYPE, code: 'XrequestId' },
    description: 'W3C trace id of the request (correlationId)',
  };
  const attempt: AuditEventEntity[] =
    record.attemptId === undefined
      ? []
      : [
          {
            what: { reference: `AuditEvent/${record.attemptId}` },
            type: SYSTEM_OBJECT,
            description: 'The attempt whose outcome this records',
          },
        ];
  return [
    ...patients,
    resourceEntity(record.resource),
    correlation,
    ...attempt,
  ];
}

function chainPosition(record: AuditRecord): Extension {
  return {
    url: CHAIN_POSITION_EXTENSION,
    extension: [
      { url: 'sequence', valueInteger: record.sequence },
      { url: 'previousHash', valueString: record.previousHash },
      { url: 'hash', valueString: record.hash },
    ],
  };
}

function outcomeFields(
  outcome: AuditRecord['outcome'],
): Pick<AuditEvent, 'outcome' | 'outcomeDesc'> {
  if (outcome === undefined) {
    return {};
  }
  // An attempt has no outcome yet; R4's outcome is optional, so it is left out rather than guessed.
  return outcome === 'attempted'
    ? { outcomeDesc: ATTEMPTED_OUTCOME_DESC }
    : { outcome: outcomeOf(outcome), outcomeDesc: `HTTP ${outcome}` };
}

/** FHIR's `code` datatype: no leading, trailing or double whitespace. */
const FHIR_CODE = /^[^\s]+( [^\s]+)*$/;

/** An operation FHIR has no interaction for, as the register names it. */
const registerOperation = (operation: string): Coding =>
  FHIR_CODE.test(operation)
    ? { system: REGISTER_OPERATION_SYSTEM, code: operation }
    : { system: REGISTER_OPERATION_SYSTEM, display: operation };

/** Drops undefined members (recursively), so the JSON has no keys FHIR would read as empty elements. */
function compact<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** A register record as an AuditEvent shaped after IHE BALP's RESTful patterns (docs/fhir.md). */
export function toAuditEvent(record: AuditRecord): AuditEvent {
  const { operation } = record.resource;
  const interaction = Object.hasOwn(INTERACTIONS, operation)
    ? INTERACTIONS[operation]
    : undefined;
  return compact<AuditEvent>({
    resourceType: 'AuditEvent',
    id: record.id,
    meta: { lastUpdated: record.createdDate },
    extension: [chainPosition(record)],
    type: REST,
    subtype: [
      interaction
        ? {
            system: 'http://hl7.org/fhir/restful-interaction',
            code: interaction.interaction,
          }
        : registerOperation(operation),
    ],
    action: interaction?.action,
    recorded: record.createdDate,
    ...outcomeFields(record.outcome),
    agent: agentsOf(record),
    source: {
      observer: {
        identifier: { system: SOURCE_SYSTEM, value: record.sourceSystemName },
        display: record.sourceSystemName,
      },
      type: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
          code: '4',
          display: 'Application Server',
        },
      ],
    },
    entity: entitiesOf(record),
  });
}
