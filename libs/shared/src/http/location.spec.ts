import { createControllerApp, send } from '@test/controller-app';
import { Controller, Get, Post } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Location, locationOf } from './location';

@Controller('widget')
class WidgetController {
  @Post()
  @Location((widget: { id: string }) => `widget/${widget.id}/part/7`)
  create() {
    return { id: 'w1' };
  }

  @Get()
  list() {
    return [];
  }
}

describe('locationOf', () => {
  it('is root-relative on the route prefix when no public API URL is set', () => {
    expect(locationOf('patient/p1')).toBe('/api/patient/p1');
  });

  it("is absolute on the public API URL, keeping the gateway's API path that no request carries", () => {
    expect(
      locationOf(
        'patient/p1/tests/t1',
        'https://apim-x.azure-api.net/patient-tests/api',
      ),
    ).toBe(
      'https://apim-x.azure-api.net/patient-tests/api/patient/p1/tests/t1',
    );
  });
});

describe('@Location behind the global pipeline', () => {
  let app: NestFastifyApplication | undefined;

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('sets a root-relative Location on a created resource without a public API URL', async () => {
    app = await createControllerApp(WidgetController, []);
    const response = await send(app, { method: 'POST', url: '/api/widget' });
    expect(response.status).toBe(201);
    expect(response.headers.location).toBe('/api/widget/w1/part/7');
  });

  it("sets an absolute Location on the pipeline's public API URL", async () => {
    app = await createControllerApp(WidgetController, [], {
      publicApiUrl: 'https://gateway.example/widgets/api',
    });
    const response = await send(app, { method: 'POST', url: '/api/widget' });
    expect(response.status).toBe(201);
    expect(response.headers.location).toBe(
      'https://gateway.example/widgets/api/widget/w1/part/7',
    );
  });

  it('sets no Location on a route that does not declare one', async () => {
    app = await createControllerApp(WidgetController, [], {
      publicApiUrl: 'https://gateway.example/widgets/api',
    });
    const response = await send(app, { method: 'GET', url: '/api/widget' });
    expect(response.status).toBe(200);
    expect(response.headers.location).toBeUndefined();
  });
});
