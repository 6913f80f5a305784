import { MAX_PAGE_SIZE } from '@app/shared/http';
import type {
  CapabilityStatement,
  CapabilityStatementRestResourceSearchParam,
} from '@medplum/fhirtypes';
import { CALLER_SYSTEM, CHAIN_POSITION_EXTENSION } from './fhir-namespace';

const SEARCH_PARAMETERS: CapabilityStatementRestResourceSearchParam[] = [
  {
    name: '_id',
    definition: 'http://hl7.org/fhir/SearchParameter/Resource-id',
    type: 'token',
    documentation: 'The AuditEvent id (the register record id).',
  },
  {
    name: 'entity',
    definition: 'http://hl7.org/fhir/SearchParameter/AuditEvent-entity',
    type: 'reference',
    documentation:
      'Patient/<id> (a record naming the patient or touching it), DiagnosticReport/<id> (a test), AuditEvent/<id> (the outcome of that attempt), or a bare id (any of them). Modifier :<Type>. Comma-separated values are ORed.',
  },
  {
    name: 'patient',
    definition: 'http://hl7.org/fhir/SearchParameter/AuditEvent-patient',
    type: 'reference',
    documentation:
      'Records naming the patient: every read, search or list that returned its data and every write of it, with failed attempts. <id> or Patient/<id>.',
  },
  {
    name: 'agent',
    definition: 'http://hl7.org/fhir/SearchParameter/AuditEvent-agent',
    type: 'reference',
    documentation: `A caller, key:<fingerprint> or subscription:<id>: the verified caller or the client it acted for. Modifier :identifier with system ${CALLER_SYSTEM}. Not indexed: narrow it with date.`,
  },
  {
    name: 'date',
    definition: 'http://hl7.org/fhir/SearchParameter/AuditEvent-date',
    type: 'date',
    documentation:
      'When the record was written (recorded), prefixes eq (default), ge, le, gt, lt; a value stands for its whole precision; UTC when no zone is given. Repeat to AND.',
  },
];

/** When this statement last changed (FHIR requires a date). */
const STATEMENT_DATE = '2026-11-29';

/** What the audit app's FHIR interface supports, exactly: read and search of AuditEvent. */
export function capabilityStatement(base: string): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: STATEMENT_DATE,
    kind: 'instance',
    software: { name: 'audit register' },
    implementation: {
      description:
        'The audit register of the patient-tests platform, read-only, as FHIR R4 AuditEvents shaped after IHE BALP.',
      url: base,
    },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        documentation: `Results newest first, ${MAX_PAGE_SIZE} per page at most (_count, default 50), followed through next links; no total. Unknown parameters follow Prefer: handling=strict|lenient (default lenient). Each AuditEvent carries its place in the register's hash chain as extension ${CHAIN_POSITION_EXTENSION} (sequence, previousHash, hash).`,
        security: {
          description:
            "An auditor's reader key (AUDIT_READER_KEYS), in header x-functions-key or query parameter code. Append keys are refused (403).",
        },
        resource: [
          {
            type: 'AuditEvent',
            interaction: [{ code: 'read' }, { code: 'search-type' }],
            versioning: 'no-version',
            readHistory: false,
            updateCreate: false,
            searchParam: SEARCH_PARAMETERS,
          },
        ],
      },
    ],
  };
}
