import { BadRequestError } from '@app/shared/errors';
import type { ParsedSearch } from './search-parameters';

/** The `_include` and `_revinclude` values a resource's search answers. */
export interface SupportedInclusions {
  includes?: readonly string[];
  revIncludes?: readonly string[];
}

/**
 * The search with only the `_include` / `_revinclude` values the resource supports. Any other is
 * refused under `Prefer: handling=strict`, else ignored: dropped, so that the self link does not claim
 * an inclusion the bundle does not carry. `_include` values are checked before `_revinclude` ones.
 */
export function keepSupportedInclusions(
  search: ParsedSearch,
  supported: SupportedInclusions,
  strict: boolean,
): ParsedSearch {
  const keep = (values: string[], allowed: readonly string[] = []) =>
    values.filter(
      (value) => allowed.includes(value) || unsupportedInclusion(value, strict),
    );
  const includes = keep(search.includes, supported.includes);
  const revIncludes = keep(search.revIncludes, supported.revIncludes);
  return { ...search, includes, revIncludes };
}

/** Throws under strict handling; answers false otherwise, for use in a filter. */
function unsupportedInclusion(value: string, strict: boolean): false {
  if (strict) {
    throw new BadRequestError(
      'INVALID_SEARCH',
      `The inclusion ${value} is not supported on this search.`,
    );
  }
  return false;
}
