import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The inbound keys an app accepts right now. An abstract class (not a Symbol) so it is its own DI
 * token; the environment provides a fixed list, Key Vault a list that refreshes during rotation.
 */
export abstract class ApiKeys {
  /** Every currently valid key; during a rotation both the old and the new one. */
  abstract current(): readonly string[];
}

/** Keys from configuration, fixed for the life of the process. */
export class StaticApiKeys extends ApiKeys {
  constructor(private readonly keys: readonly string[]) {
    super();
  }

  current(): readonly string[] {
    return this.keys;
  }
}

const digest = (value: string) =>
  createHash('sha256').update(value, 'utf8').digest();

/**
 * True when `presented` equals one of `keys`. Both sides are hashed to equal-length digests and every
 * key is compared with `timingSafeEqual`, without stopping at a match, so timing reveals neither the
 * key's content, its length, nor which key matched.
 */
export function matchesAnyKey(
  presented: string,
  keys: readonly string[],
): boolean {
  const presentedDigest = digest(presented);
  let matched = false;
  for (const key of keys) {
    matched = timingSafeEqual(presentedDigest, digest(key)) || matched;
  }
  return matched;
}
