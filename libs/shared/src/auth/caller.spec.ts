import { callerOf, RequestWithKeyName } from './caller';

const request = (
  headers: Record<string, string>,
  viaGateway: boolean,
): RequestWithKeyName =>
  ({
    headers,
    apiKeyName: '1a2b3c4d',
    viaGateway,
    socket: { remoteAddress: '10.1.0.5' },
  }) as unknown as RequestWithKeyName;

const GATEWAY_HEADERS = {
  'x-apim-subscription-id': 'subscription-42',
  'x-forwarded-for': '198.51.100.23, 10.1.0.4',
};

describe('callerOf', () => {
  it("trusts the gateway's subscription and forwarded address on a request that came through it", () => {
    expect(callerOf(request(GATEWAY_HEADERS, true))).toEqual({
      actor: 'subscription:subscription-42',
      clientAddress: '198.51.100.23',
    });
  });

  it('keeps the same headers apart as unverified without the gateway, naming the key and the peer instead', () => {
    expect(callerOf(request(GATEWAY_HEADERS, false))).toEqual({
      actor: 'key:1a2b3c4d',
      clientAddress: '10.1.0.5',
      unverified: {
        actor: 'subscription:subscription-42',
        clientAddress: '198.51.100.23',
      },
    });
  });

  it('has nothing unverified when no such header was sent', () => {
    expect(callerOf(request({}, false))).toEqual({
      actor: 'key:1a2b3c4d',
      clientAddress: '10.1.0.5',
    });
  });
});
