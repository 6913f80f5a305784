import type { FastifyRequest } from 'fastify';
import { requestOrigin } from './request-origin';

/** The two request fields the origin is made of, as Fastify derives them from Host / X-Forwarded-*. */
const request = (host: string, protocol: 'http' | 'https' = 'http') =>
  ({ host, protocol }) as FastifyRequest;

describe('requestOrigin', () => {
  it.each([
    ['fhir.example.org', 'https', 'https://fhir.example.org'],
    ['localhost:7071', 'http', 'http://localhost:7071'],
    ['10.0.0.4', 'http', 'http://10.0.0.4'],
    ['[::1]:8080', 'http', 'http://[::1]:8080'],
  ] as const)('is the scheme and host for %s', (host, protocol, origin) => {
    expect(requestOrigin(request(host, protocol))).toBe(origin);
  });

  it.each([
    'evil.example/phish?x=',
    'user@evil.example',
    'a b',
    'host:port',
    '',
    'example.org\r\nSet-Cookie: x=1',
  ])('refuses the Host %j with 400 INVALID_HOST', (host) => {
    expect(() => requestOrigin(request(host))).toThrow(
      expect.objectContaining({ code: 'INVALID_HOST', status: 400 }),
    );
  });
});
