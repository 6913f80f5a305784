/**
 * A test double whose every method fails the test unless the test stubbed it: a call the test did
 * not expect is an error, not a silent `undefined`.
 */
export function strictMock<T extends object>(
  stubs: Partial<{ [K in keyof T]: jest.Mock }> = {},
): T & {
  [K in keyof T]: jest.Mock;
} {
  const target: Record<string | symbol, unknown> = { ...stubs };
  return new Proxy(target, {
    get(object, property) {
      if (property in object) {
        return object[property];
      }
      // Promise-likeness checks and Nest's lifecycle probes are not calls the test needs to stub.
      if (
        property === 'then' ||
        typeof property === 'symbol' ||
        property.startsWith('on')
      ) {
        return undefined;
      }
      return () => {
        throw new Error(
          `unexpected call: ${String(property)}() was not stubbed by this test`,
        );
      };
    },
  }) as T & { [K in keyof T]: jest.Mock };
}
