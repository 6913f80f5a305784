import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { BadRequestError } from '../errors/domain-error';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
/** Response header that carries the token for the next page, present only when more results exist. */
export const CONTINUATION_HEADER = 'x-continuation-token';

/** Query parameters of every paged list (`limit`, `continuationToken`); the key's `code` never reaches them (ApiKeyGuard). */
export const pageQueryShape = {
  limit: z
    .string()
    .regex(/^\d{1,3}$/, 'must be a whole number from 1 to 200')
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_PAGE_SIZE))
    .optional()
    .describe('Page size, 1-200 (default 50).'),
  continuationToken: z
    .string()
    .max(512)
    .optional()
    .describe('The x-continuation-token header of the previous page.'),
};

/** Query of a paged list with no other parameters. */
export const pageQuerySchema = z.strictObject(pageQueryShape);
export type PageQuery = z.output<typeof pageQuerySchema>;
export class PageQueryDto extends createZodDto(pageQuerySchema) {}

/**
 * One page of results and the token to continue from, if there is more. Handlers return it as is;
 * `sendResults` sends the items as the body and the token as the `x-continuation-token` header.
 */
export class Page<T> {
  constructor(
    readonly items: T[],
    readonly continuationToken?: string,
  ) {}
}

/** Opaque to clients: base64url JSON of the last item's sort key. */
export function encodeContinuationToken(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** Decodes a token and checks its shape; anything else is the client's fault (400). */
export function decodeContinuationToken<S extends z.ZodType>(
  token: string,
  schema: S,
): z.output<S> {
  try {
    return schema.parse(
      JSON.parse(Buffer.from(token, 'base64url').toString('utf8')),
    );
  } catch {
    throw new BadRequestError(
      'INVALID_CONTINUATION_TOKEN',
      'continuationToken is not a token this API issued.',
    );
  }
}

/**
 * Turns `limit + 1` fetched items into a page: the extra item only signals that more exist.
 * `positionOf` gives the sort key the next page starts after.
 */
export function toPage<T, P>(
  fetched: T[],
  limit: number,
  positionOf: (item: T) => P,
): Page<T> {
  if (fetched.length <= limit) {
    return new Page(fetched);
  }
  const items = fetched.slice(0, limit);
  return new Page(
    items,
    encodeContinuationToken(positionOf(items[items.length - 1])),
  );
}

/**
 * One page of a keyset-paged list: decodes the continuation token (its shape checked by `position`:
 * 400 otherwise), fetches one item more than the page holds (its presence says more exist) from where
 * the token says, and builds the page with the token of its last item's position.
 */
export async function paginate<T, S extends z.ZodType>(
  { limit = DEFAULT_PAGE_SIZE, continuationToken }: PageQuery,
  position: S,
  fetch: (limit: number, from: z.output<S> | undefined) => Promise<T[]>,
  positionOf: (item: T) => z.output<S>,
): Promise<Page<T>> {
  const from =
    continuationToken === undefined
      ? undefined
      : decodeContinuationToken(continuationToken, position);
  return toPage(await fetch(limit + 1, from), limit, positionOf);
}
