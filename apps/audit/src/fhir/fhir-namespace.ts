/**
 * The project's own FHIR namespace, for what no published code system or extension covers: the
 * register's chain position, unverified caller claims, and identifiers of callers and of ids that are
 * not valid FHIR ids. A URN because the project owns no domain to publish canonical URLs under.
 */
export const FHIR_NAMESPACE = 'urn:patient-tests-platform:fhir';

/** Extension on AuditEvent: the record's `sequence`, `previousHash` and `hash` in the hash chain. */
export const CHAIN_POSITION_EXTENSION = `${FHIR_NAMESPACE}:extension:audit-chain-position`;

/** Extension on an AuditEvent agent: what headers claimed about it without proof (`unverified`). */
export const UNVERIFIED_CALLER_EXTENSION = `${FHIR_NAMESPACE}:extension:unverified-caller`;

/** Identifier system of callers: `key:<fingerprint>` or `subscription:<API Management subscription>`. */
export const CALLER_SYSTEM = `${FHIR_NAMESPACE}:sid:caller`;

/** Identifier system of the systems that record accesses (`sourceSystemName`). */
export const SOURCE_SYSTEM = `${FHIR_NAMESPACE}:sid:source-system`;

/** Identifier system of register ids that are not valid FHIR ids, by the register's resource type. */
export const registerIdSystem = (registerType: string) =>
  `${FHIR_NAMESPACE}:sid:${encodeURIComponent(registerType)}-id`;

/** Code system of register operations that have no FHIR restful interaction. */
export const REGISTER_OPERATION_SYSTEM = `${FHIR_NAMESPACE}:audit-operation`;
