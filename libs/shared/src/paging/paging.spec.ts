import { z } from 'zod';
import { BadRequestError } from '../errors/domain-error';
import {
  decodeContinuationToken,
  DEFAULT_PAGE_SIZE,
  encodeContinuationToken,
  Page,
  paginate,
  pageQuerySchema,
  toPage,
} from './paging';

const position = z.strictObject({ after: z.string() });

describe('continuation tokens', () => {
  it('decode to the position they were encoded from', () => {
    const token = encodeContinuationToken({ after: 'patient-42' });

    expect(decodeContinuationToken(token, position)).toEqual({
      after: 'patient-42',
    });
  });

  it('are URL-safe', () => {
    const token = encodeContinuationToken({ after: '>>>???~~~ÿÿÿ' });

    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['a tampered token', `${encodeContinuationToken({ after: 'x' })}AA`],
    ['a token cut short', encodeContinuationToken({ after: 'x' }).slice(0, 6)],
    ['plain text', 'give me everything'],
    ['a token of another shape', encodeContinuationToken({ after: 7 })],
    [
      'a token with extra fields',
      encodeContinuationToken({ after: 'x', limit: 10000 }),
    ],
    ['a token of JSON null', encodeContinuationToken(null)],
    ['an empty token', ''],
  ])('reject %s with a 400 INVALID_CONTINUATION_TOKEN', (_what, token) => {
    let thrown: unknown;
    try {
      decodeContinuationToken(token, position);
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(BadRequestError);
    expect(thrown).toMatchObject({
      code: 'INVALID_CONTINUATION_TOKEN',
      status: 400,
    });
  });
});

describe('toPage', () => {
  const positionOf = (item: { id: string }) => ({ after: item.id });
  const items = (count: number) =>
    Array.from({ length: count }, (_, i) => ({ id: `id-${i}` }));

  it('answers all items without a token when no more than the limit were fetched', () => {
    expect(toPage(items(3), 3, positionOf)).toEqual(new Page(items(3)));
    expect(toPage([], 3, positionOf)).toEqual(new Page([]));
  });

  it('drops the extra item and answers a token that continues after the last item kept', () => {
    const page = toPage(items(4), 3, positionOf);

    expect(page.items).toEqual(items(3));
    expect(decodeContinuationToken(page.continuationToken!, position)).toEqual({
      after: 'id-2',
    });
  });
});

describe('pageQuerySchema', () => {
  it.each([
    ['1', 1],
    ['50', 50],
    ['200', 200],
  ])('reads limit %j as %d', (limit, expected) => {
    expect(pageQuerySchema.parse({ limit })).toEqual({ limit: expected });
  });

  it.each(['0', '201', '999', 'abc', '1.5', '-1', '', '1e2', '0200'])(
    'rejects limit %j',
    (limit) => {
      expect(pageQuerySchema.safeParse({ limit }).success).toBe(false);
    },
  );

  it("accepts a continuation token, and nothing else (the key's code is taken out by ApiKeyGuard)", () => {
    expect(pageQuerySchema.parse({ continuationToken: 'abc' })).toEqual({
      continuationToken: 'abc',
    });
    expect(pageQuerySchema.safeParse({ code: 'key' }).success).toBe(false);
    expect(pageQuerySchema.safeParse({ offset: '10' }).success).toBe(false);
  });

  it('rejects a continuation token longer than 512 characters', () => {
    expect(
      pageQuerySchema.safeParse({ continuationToken: 'a'.repeat(513) }).success,
    ).toBe(false);
  });
});

describe('paginate', () => {
  const position = z.strictObject({ after: z.string() });
  const fetchFrom = (items: string[]) =>
    jest.fn((limit: number, from?: { after: string }) =>
      Promise.resolve(
        items.filter((item) => !from || item > from.after).slice(0, limit),
      ),
    );
  const positionOf = (item: string) => ({ after: item });

  it('fetches one more than the limit and gives a token to the last item when more exist', async () => {
    const fetch = fetchFrom(['a', 'b', 'c']);
    const page = await paginate({ limit: 2 }, position, fetch, positionOf);
    expect(fetch).toHaveBeenCalledWith(3, undefined);
    expect(page.items).toEqual(['a', 'b']);
    expect(page.continuationToken).toBe(
      encodeContinuationToken({ after: 'b' }),
    );
  });

  it('continues after the token and gives no token on the last page', async () => {
    const fetch = fetchFrom(['a', 'b', 'c']);
    const page = await paginate(
      { limit: 2, continuationToken: encodeContinuationToken({ after: 'b' }) },
      position,
      fetch,
      positionOf,
    );
    expect(fetch).toHaveBeenCalledWith(3, { after: 'b' });
    expect(page.items).toEqual(['c']);
    expect(page.continuationToken).toBeUndefined();
  });

  it('uses the default page size without a limit', async () => {
    const fetch = fetchFrom([]);
    await paginate({}, position, fetch, positionOf);
    expect(fetch).toHaveBeenCalledWith(DEFAULT_PAGE_SIZE + 1, undefined);
  });

  it('answers 400 INVALID_CONTINUATION_TOKEN for a token of another shape, before fetching', async () => {
    const fetch = fetchFrom(['a']);
    await expect(
      paginate(
        { continuationToken: encodeContinuationToken({ before: 1 }) },
        position,
        fetch,
        positionOf,
      ),
    ).rejects.toMatchObject({
      code: 'INVALID_CONTINUATION_TOKEN',
      status: 400,
    });
    expect(fetch).not.toHaveBeenCalled();
  });
});
