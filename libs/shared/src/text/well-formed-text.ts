/**
 * A surrogate code unit that is not half of a pair. With the `u` flag a regular expression reads code
 * points, so a well-formed pair is one astral code point and only an unpaired half is in `Cs`.
 */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * True when `text` holds a lone surrogate: UTF-16 that no UTF-8 (so no database, no hash input) can
 * hold. Drivers replace it with U+FFFD on the way in, so what is stored would differ from what was
 * checked or hashed.
 */
export const hasLoneSurrogate = (text: string): boolean =>
  LONE_SURROGATE.test(text);

/**
 * `text` cut to at most `maxUnits` UTF-16 code units (the unit string lengths and `max()` count),
 * never between the two halves of a surrogate pair: a cut emoji is dropped whole, never left half.
 */
export function truncateText(text: string, maxUnits: number): string {
  if (text.length <= maxUnits) {
    return text;
  }
  const cut = text.slice(0, maxUnits);
  const last = cut.charCodeAt(cut.length - 1);
  const endsInHighHalf = last >= 0xd800 && last <= 0xdbff;
  return endsInHighHalf ? cut.slice(0, -1) : cut;
}
