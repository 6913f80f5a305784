import { BadRequestError } from '@app/shared/errors';

/**
 * An `_include` / `_revinclude` a search does not support: refused under `Prefer: handling=strict`,
 * else ignored (left out of the self link). Answers false, for use in a filter.
 */
export function unsupportedInclusion(value: string, strict: boolean): false {
  if (strict) {
    throw new BadRequestError(
      'INVALID_SEARCH',
      `The inclusion ${value} is not supported on this search.`,
    );
  }
  return false;
}
