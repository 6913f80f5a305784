import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth and leaves out undefined members', () => {
    expect(
      canonicalJson({
        b: 1,
        a: { d: 'x', c: undefined, b: [2, { z: 1, y: 2 }] },
      }),
    ).toBe('{"a":{"b":[2,{"y":2,"z":1}],"d":"x"},"b":1}');
  });

  it('escapes strings as JSON does', () => {
    expect(canonicalJson({ s: 'a"b\n' })).toBe('{"s":"a\\"b\\n"}');
  });
  it('keeps array order and writes undefined array items as null, as JSON does', () => {
    expect(canonicalJson([3, undefined, 'a'])).toBe('[3,null,"a"]');
  });
});
