import { ApiKeys, matchesAnyKey, StaticApiKeys } from './api-keys';

const OLD_KEY = 'old-key-0123456789abcdef';
const NEW_KEY = 'new-key-fedcba9876543210';
const THIRD_KEY = 'third-key-aaaaaaaaaaaaaaaa';
const KEYS = [OLD_KEY, NEW_KEY, THIRD_KEY];

describe('matchesAnyKey', () => {
  it.each(KEYS)('accepts %s, one of several valid keys', (key) => {
    expect(matchesAnyKey(key, KEYS)).toBe(true);
  });

  it.each([
    ['a prefix of a key', OLD_KEY.slice(0, -1)],
    ['a key with a suffix', `${NEW_KEY}x`],
    ['an empty key', ''],
    ['a key of a different length', 'short'],
    [
      'a key of the same length with one character changed',
      `${OLD_KEY.slice(0, -1)}g`,
    ],
    ['a key in other case', OLD_KEY.toUpperCase()],
    ['a key with surrounding whitespace', ` ${OLD_KEY}`],
    ['two keys joined', `${OLD_KEY},${NEW_KEY}`],
  ])('rejects %s', (_what, presented) => {
    expect(matchesAnyKey(presented, KEYS)).toBe(false);
  });

  it('accepts nothing, not even an empty key, when no keys are configured', () => {
    expect(matchesAnyKey('', [])).toBe(false);
    expect(matchesAnyKey(OLD_KEY, [])).toBe(false);
  });
});

describe('StaticApiKeys', () => {
  it('is an ApiKeys source that always answers the keys it was built with', () => {
    const keys = new StaticApiKeys([OLD_KEY, NEW_KEY]);

    expect(keys).toBeInstanceOf(ApiKeys);
    expect(keys.current()).toEqual([OLD_KEY, NEW_KEY]);
    expect(keys.current()).toEqual([OLD_KEY, NEW_KEY]);
  });
});
