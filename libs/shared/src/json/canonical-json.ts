/**
 * Canonical JSON: object keys sorted, no whitespace, undefined members left out. For strings, integers
 * and nested objects and arrays (all this API stores) it equals RFC 8785 (JCS), so a hash over it can be
 * recomputed by anyone from the JSON the API returns.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(
        ([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`,
      );
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}
