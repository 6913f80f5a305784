import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { lastValueFrom, of } from 'rxjs';
import { Versioned } from '../etag/etag';
import { Replayed } from '../idempotency/replayed';
import { Page } from '../paging/paging';
import { Location } from './location';
import { ResultInterceptor } from './result.interceptor';

/** A route handler, with or without a declared Location. */
const plainHandler = () => undefined;
const createHandler = () => undefined;
Location<{ id: string }>((created) => `patient/${created.id}`)(
  createHandler,
  'createHandler',
  Object.getOwnPropertyDescriptor({ createHandler }, 'createHandler')!,
);

/** Runs the interceptor over what `handler` returned; the body sent and the headers set. */
async function send(result: unknown, handler: () => unknown = plainHandler) {
  const headers: Record<string, string> = {};
  const reply = {
    header: (name: string, value: string) => {
      headers[name] = value;
      return reply;
    },
  };
  const context = {
    switchToHttp: () => ({ getResponse: () => reply }),
    getHandler: () => handler,
  } as unknown as ExecutionContext;
  const next: CallHandler = { handle: () => of(result) };
  const body: unknown = await lastValueFrom(
    new ResultInterceptor(new Reflector(), {}).intercept(context, next),
  );
  return { body, headers };
}

describe('ResultInterceptor', () => {
  it('sends any other result as it is, with no header', async () => {
    expect(await send({ id: 'a' })).toEqual({ body: { id: 'a' }, headers: {} });
  });

  it('sends a Page as its items, with the continuation token when there are more', async () => {
    expect(await send(new Page([1, 2], 'next-token'))).toEqual({
      body: [1, 2],
      headers: { 'x-continuation-token': 'next-token' },
    });
    expect(await send(new Page([3]))).toEqual({ body: [3], headers: {} });
  });

  it('sends a Versioned as its value with its ETag', async () => {
    expect(await send(new Versioned({ id: 'a' }, 7))).toEqual({
      body: { id: 'a' },
      headers: { etag: '"7"' },
    });
  });

  it('sets the Location the route declares, from the created resource', async () => {
    expect(await send({ id: 'p1' }, createHandler)).toEqual({
      body: { id: 'p1' },
      headers: { location: '/api/patient/p1' },
    });
  });

  it('unwraps a replay first: a replayed, versioned create gets all three headers', async () => {
    expect(
      await send(new Replayed(new Versioned({ id: 'p2' }, 1)), createHandler),
    ).toEqual({
      body: { id: 'p2' },
      headers: {
        'idempotent-replayed': 'true',
        etag: '"1"',
        location: '/api/patient/p2',
      },
    });
  });
});
