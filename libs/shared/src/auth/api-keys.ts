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
  return matchingKeyName(presented, keys) !== undefined;
}

/**
 * The name of the key `presented` equals, or undefined; compared as in `matchesAnyKey`. A key's name
 * is the first 8 hex digits of its SHA-256: stable for the key's life, safe to log and to
 * store in the audit register, and useless for recovering the key.
 */
export function matchingKeyName(
  presented: string,
  keys: readonly string[],
): string | undefined {
  const presentedDigest = digest(presented);
  let name: string | undefined;
  for (const key of keys) {
    const keyDigest = digest(key);
    if (timingSafeEqual(presentedDigest, keyDigest)) {
      name = keyDigest.toString('hex', 0, 4);
    }
  }
  return name;
}
