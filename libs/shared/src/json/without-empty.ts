/**
 * `value` without its `undefined` and `null` members (shallow). What is stored is then exactly what
 * canonical JSON hashes and what the API returns: the driver would store `undefined` as null, and an
 * absent optional field is left out of a response rather than sent as null.
 */
export function withoutEmpty<T extends object>(value: T): T {
  return Object.fromEntries(
    Object.entries(value).filter(
      ([, member]) => member !== undefined && member !== null,
    ),
  ) as T;
}
