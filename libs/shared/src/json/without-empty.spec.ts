import { withoutEmpty } from './without-empty';

describe('withoutEmpty', () => {
  it('drops undefined and null members and keeps falsy values that are present', () => {
    expect(
      withoutEmpty({ a: undefined, b: null, c: 0, d: '', e: false, f: 'x' }),
    ).toStrictEqual({ c: 0, d: '', e: false, f: 'x' });
  });

  it('leaves nested objects as they are', () => {
    expect(withoutEmpty({ nested: { a: undefined } })).toStrictEqual({
      nested: { a: undefined },
    });
  });
});
