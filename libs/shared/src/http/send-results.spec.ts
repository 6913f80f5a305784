import { createControllerApp, send } from '@test/controller-app';
import { Controller, Get, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Versioned } from '../etag/etag';
import { BadRequestError } from '../errors/domain-error';
import { Replayed } from '../idempotency/replayed';
import { Page } from '../paging/paging';
import { Location } from './location';

/** One route per result type, behind the global pipeline and `configureApp`'s hooks. */
@Controller('result')
class ResultController {
  @Get('plain')
  plain() {
    return { id: 'a' };
  }

  @Get('page')
  page() {
    return new Page([1, 2], 'next-token');
  }

  @Get('last-page')
  lastPage() {
    return new Page([3]);
  }

  @Get('versioned')
  versioned() {
    return new Versioned({ id: 'a' }, 7);
  }

  @Post('created')
  @Location((created: { id: string }) => `patient/${created.id}`)
  created() {
    return { id: 'p1' };
  }

  @Post('replayed')
  @Location((created: { id: string }) => `patient/${created.id}`)
  replayed() {
    return new Replayed(new Versioned({ id: 'p2' }, 1));
  }

  @Post('refused')
  @Location((created: { id: string }) => `patient/${created.id}`)
  refused() {
    throw new BadRequestError('REFUSED', 'No.');
  }
}

describe("sendResults (the headers of handlers' result types)", () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createControllerApp(ResultController, []);
  });

  afterAll(async () => {
    await app.close();
  });

  const headersOf = (response: Awaited<ReturnType<typeof send>>) => ({
    location: response.headers.location,
    etag: response.headers.etag,
    replayed: response.headers['idempotent-replayed'],
    continuation: response.headers['x-continuation-token'],
  });
  const NONE = {
    location: undefined,
    etag: undefined,
    replayed: undefined,
    continuation: undefined,
  };

  it('sends any other result as it is, with none of these headers', async () => {
    const response = await send(app, {
      method: 'GET',
      url: '/api/result/plain',
    });
    expect(response.body).toEqual({ id: 'a' });
    expect(headersOf(response)).toEqual(NONE);
  });

  it('sends a Page as its items, with the continuation token when there are more', async () => {
    const more = await send(app, { method: 'GET', url: '/api/result/page' });
    expect(more.body).toEqual([1, 2]);
    expect(headersOf(more)).toEqual({ ...NONE, continuation: 'next-token' });

    const last = await send(app, {
      method: 'GET',
      url: '/api/result/last-page',
    });
    expect(last.body).toEqual([3]);
    expect(headersOf(last)).toEqual(NONE);
  });

  it('sends a Versioned as its value with its ETag', async () => {
    const response = await send(app, {
      method: 'GET',
      url: '/api/result/versioned',
    });
    expect(response.body).toEqual({ id: 'a' });
    expect(headersOf(response)).toEqual({ ...NONE, etag: '"7"' });
  });

  it('sets the Location the route declares, from the created resource', async () => {
    const response = await send(app, {
      method: 'POST',
      url: '/api/result/created',
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ id: 'p1' });
    expect(headersOf(response)).toEqual({
      ...NONE,
      location: '/api/patient/p1',
    });
  });

  it('unwraps a replay first: a replayed, versioned create gets all three headers', async () => {
    const response = await send(app, {
      method: 'POST',
      url: '/api/result/replayed',
    });
    expect(response.body).toEqual({ id: 'p2' });
    expect(headersOf(response)).toEqual({
      ...NONE,
      replayed: 'true',
      etag: '"1"',
      location: '/api/patient/p2',
    });
  });

  it('sets no Location on an error answered by a route that declares one', async () => {
    const response = await send(app, {
      method: 'POST',
      url: '/api/result/refused',
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(expect.objectContaining({ code: 'REFUSED' }));
    expect(headersOf(response)).toEqual(NONE);
  });
});
