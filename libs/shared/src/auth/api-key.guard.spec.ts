import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiKeyGuard, presentedApiKey } from './api-key.guard';
import { StaticApiKeys } from './api-keys';
import { Public } from './public.decorator';

const KEY = 'guard-key-0123456789abcdef';

class Routes {
  protected() {}
  @Public()
  open() {}
}

/** The parts of an ExecutionContext the guard reads: the handler, its class and the request. */
function contextFor(
  handler: keyof Routes,
  request: {
    headers?: Record<string, unknown>;
    query?: unknown;
    viaGateway?: boolean;
  } = {},
): ExecutionContext {
  request.headers ??= {};
  return {
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({
      getRequest: () => request,
    }),
  } as unknown as ExecutionContext;
}

const guard = (
  keys: string[],
  hostChecksKeys: boolean,
  gatewaySecrets: string[] = [],
  gatewayForwardsCallerKeys = false,
) =>
  new ApiKeyGuard(new Reflector(), new StaticApiKeys(keys), {
    hostChecksKeys,
    gatewaySecrets: new StaticApiKeys(gatewaySecrets),
    gatewayForwardsCallerKeys,
  });

const rejection = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('ApiKeyGuard', () => {
  it('lets a request with a valid key in the x-functions-key header through', () => {
    expect(
      guard([KEY], false).canActivate(
        contextFor('protected', { headers: { 'x-functions-key': KEY } }),
      ),
    ).toBe(true);
  });

  it('lets a request with a valid key in the code query parameter through', () => {
    expect(
      guard([KEY], false).canActivate(
        contextFor('protected', { query: { code: KEY } }),
      ),
    ).toBe(true);
  });

  it.each([
    ['a protected route, with the key', 'protected' as const, [KEY], false],
    ['a @Public() route', 'open' as const, [KEY], false],
    ['a route behind the Functions host', 'protected' as const, [], true],
  ])(
    'takes the code query parameter out of the query on %s, so no handler or query schema sees it',
    (_what, route, keys, hostChecksKeys) => {
      const query = { code: KEY, limit: '5' };
      guard(keys, hostChecksKeys).canActivate(contextFor(route, { query }));
      expect(query).toStrictEqual({ limit: '5' });
    },
  );

  it("leaves a code query parameter alone when the key came in the header: it is then the route's own (FHIR Observation?code=)", () => {
    const query = { code: 'http://loinc.org|2345-7', _count: '5' };
    guard([KEY], false).canActivate(
      contextFor('protected', { headers: { 'x-functions-key': KEY }, query }),
    );
    expect(query).toStrictEqual({
      code: 'http://loinc.org|2345-7',
      _count: '5',
    });
  });

  it.each([
    ['no key', {}],
    ['a wrong key', { headers: { 'x-functions-key': `${KEY}x` } }],
    ['a key given twice as a query array', { query: { code: [KEY, KEY] } }],
  ])('answers 401 UNAUTHORIZED for %s', (_what, request) => {
    expect(
      rejection(() =>
        guard([KEY], false).canActivate(contextFor('protected', request)),
      ),
    ).toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
  });

  it('lets any request reach a @Public() route', () => {
    expect(guard([KEY], false).canActivate(contextFor('open'))).toBe(true);
  });

  it('trusts the Azure Functions host when no keys are configured there', () => {
    expect(guard([], true).canActivate(contextFor('protected'))).toBe(true);
  });

  it('still checks keys inside Azure Functions when keys are configured', () => {
    expect(
      rejection(() => guard([KEY], true).canActivate(contextFor('protected'))),
    ).toMatchObject({ status: 401 });
  });

  it('refuses every request outside Azure Functions when no keys are configured', () => {
    expect(
      rejection(() =>
        guard([], false).canActivate(
          contextFor('protected', { headers: { 'x-functions-key': '' } }),
        ),
      ),
    ).toMatchObject({ status: 401 });
  });

  describe('marks whether a request came through API Management', () => {
    const GATEWAY_SECRET = 'gateway-secret-0123456789';

    const viaGateway = (secrets: string[], headers: Record<string, string>) => {
      const request = { headers: { 'x-functions-key': KEY, ...headers } };
      guard([KEY], false, secrets).canActivate(
        contextFor('protected', request),
      );
      return (request as { viaGateway?: boolean }).viaGateway;
    };

    it('when it carries the gateway secret', () => {
      expect(
        viaGateway(['old-gateway-secret-000000', GATEWAY_SECRET], {
          'x-gateway-secret': GATEWAY_SECRET,
        }),
      ).toBe(true);
    });

    it.each([
      ['a wrong secret', [GATEWAY_SECRET], { 'x-gateway-secret': 'guess' }],
      ['no secret header', [GATEWAY_SECRET], {}],
      [
        'a secret header while none is configured',
        [],
        { 'x-gateway-secret': GATEWAY_SECRET },
      ],
    ])('not with %s', (_what, secrets, headers) => {
      expect(viaGateway(secrets, headers)).toBe(false);
    });
  });

  describe("checks the caller's key that API Management forwards beside its own host key", () => {
    const GATEWAY_SECRET = 'gateway-secret-0123456789';
    // What API Management sends the Functions host: a host key in neither of the app's lists.
    const GATEWAY_HOST_KEY = 'gateway-host-key-0123456789';

    const forwarded = (
      headers: Record<string, string>,
      forwards = true,
    ): { outcome: unknown; presented?: string } => {
      const request = {
        headers: { 'x-functions-key': GATEWAY_HOST_KEY, ...headers },
      };
      const outcome = rejection(() =>
        guard([KEY], true, [GATEWAY_SECRET], forwards).canActivate(
          contextFor('protected', request),
        ),
      );
      return {
        outcome,
        presented: presentedApiKey(request as never),
      };
    };

    it('authenticates with x-forwarded-functions-key on a request that carries the gateway secret', () => {
      expect(
        forwarded({
          'x-gateway-secret': GATEWAY_SECRET,
          'x-forwarded-functions-key': KEY,
        }),
      ).toEqual({ outcome: undefined, presented: KEY });
    });

    it.each([
      ['without the gateway secret', {}, true],
      ['with a wrong gateway secret', { 'x-gateway-secret': 'guess' }, true],
      [
        'in an app that did not opt in',
        { 'x-gateway-secret': GATEWAY_SECRET },
        false,
      ],
    ])(
      'ignores the forwarded header %s, and the host key alone is refused (401)',
      (_what, headers, forwards) => {
        expect(
          forwarded({ ...headers, 'x-forwarded-functions-key': KEY }, forwards),
        ).toEqual({
          outcome: expect.objectContaining({ status: 401 }),
          presented: GATEWAY_HOST_KEY,
        });
      },
    );

    it("refuses the gateway's own host key when no caller key is forwarded (401)", () => {
      expect(forwarded({ 'x-gateway-secret': GATEWAY_SECRET })).toEqual({
        outcome: expect.objectContaining({ status: 401 }),
        presented: GATEWAY_HOST_KEY,
      });
    });
  });
});
