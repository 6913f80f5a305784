import type { ExecutionContext } from '@nestjs/common';
import {
  MAX_INPUT_DEPTH,
  WellFormedInputGuard,
} from './well-formed-input.guard';

/** The part of an ExecutionContext the guard reads: the parsed request. */
const contextFor = (request: {
  body?: unknown;
  query?: unknown;
  params?: unknown;
}): ExecutionContext =>
  ({
    switchToHttp: () => ({ getRequest: () => request }),
  }) as unknown as ExecutionContext;

const rejection = (request: Parameters<typeof contextFor>[0]) => {
  try {
    new WellFormedInputGuard().canActivate(contextFor(request));
  } catch (error) {
    return error;
  }
  return undefined;
};

const nestedArrays = (depth: number): unknown =>
  depth === 0 ? 'leaf' : [nestedArrays(depth - 1)];

describe('WellFormedInputGuard', () => {
  it.each([
    ['a body value', { body: { a: { b: ['x', 'y\ud800'] } } }, 'body'],
    ['a body member name', { body: { 'k\udfff': 1 } }, 'body'],
    ['a body that is only a string', { body: '\ud83d' }, 'body'],
    ['a query value', { query: { q: '\udc00' } }, 'query string'],
    [
      'a repeated query value',
      { query: { q: ['a', '\udc00'] } },
      'query string',
    ],
    ['a path parameter', { params: { id: 'x\ud83d' } }, 'path'],
  ])(
    'answers 400 MALFORMED_TEXT for a lone surrogate in %s',
    (_where, request, part) => {
      expect(rejection(request)).toMatchObject({
        status: 400,
        code: 'MALFORMED_TEXT',
        detail: expect.stringContaining(`The ${part} `),
      });
    },
  );

  it(`answers 400 TOO_DEEPLY_NESTED for a body nested deeper than ${MAX_INPUT_DEPTH}, however deep, without overflowing the stack`, () => {
    let deep: unknown = 'leaf';
    for (let depth = 0; depth < 200_000; depth++) {
      deep = [deep];
    }
    expect(
      rejection({ body: nestedArrays(MAX_INPUT_DEPTH + 1) }),
    ).toMatchObject({ status: 400, code: 'TOO_DEEPLY_NESTED' });
    expect(rejection({ body: deep })).toMatchObject({
      code: 'TOO_DEEPLY_NESTED',
    });
  });

  it('lets well-formed input through: emoji, other scripts, U+FFFD, nesting up to the bound, no body', () => {
    expect(
      rejection({
        body: {
          name: 'Zoë 患者 \u{1F9EA}',
          odd: '\ufffd',
          deep: nestedArrays(MAX_INPUT_DEPTH - 1),
        },
        query: { limit: '5', tags: ['a', 'b'] },
        params: { id: '\u{1F600}' },
      }),
    ).toBeUndefined();
    expect(rejection({})).toBeUndefined();
  });
});
