import { Controller, Get } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createControllerApp, send, TEST_API_KEY } from '@test/controller-app';
import { REDACTED, redactQuery, redactUrl } from './redact-url';

const KEY = TEST_API_KEY;
const encodedEveryByte = (text: string) =>
  Array.from(Buffer.from(text), (byte) => `%${byte.toString(16)}`).join('');

/** Every way of writing the key into the query that the API key guard accepts. */
const ACCEPTED_SPELLINGS: [string, string][] = [
  ['code=', `?code=${KEY}`],
  ['an encoded letter in the name', `?%63ode=${KEY}`],
  ['another encoded letter, in upper-case hex', `?c%6Fde=${KEY}`],
  ['a wholly encoded name', `?%63%6f%64%65=${KEY}`],
  ['a wholly encoded value', `?code=${encodedEveryByte(KEY)}`],
  ['among other parameters', `?limit=5&code=${KEY}&x=1`],
];

/** Spellings the guard refuses, redacted all the same: a key is a key, accepted or not. */
const REFUSED_SPELLINGS: [string, string][] = [
  ['upper case', `?CODE=${KEY}`],
  ['mixed case and encoding', `?C%6Fde=${KEY}`],
  ['repeated', `?code=${KEY}&code=${KEY}`],
  ['with brackets', `?code[]=${KEY}`],
  ['encoded twice', `?%2563ode=${KEY}`],
];

@Controller('probe')
class ProbeController {
  @Get()
  probe() {
    return {};
  }
}

describe('redactUrl, the one rule for request logs and telemetry', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createControllerApp(ProbeController, []);
  });

  afterAll(() => app.close());

  it.each(ACCEPTED_SPELLINGS)(
    'redacts the key written as %s, which authenticates',
    async (_what, query) => {
      const url = `/api/probe${query}`;

      expect((await send(app, { method: 'GET', url, key: null })).status).toBe(
        200,
      );
      expect(redactUrl(url)).not.toContain(KEY);
      expect(redactUrl(url)).not.toContain(encodedEveryByte(KEY));
      expect(redactUrl(url)).toContain(REDACTED);
    },
  );

  it.each(REFUSED_SPELLINGS)(
    'redacts the key written as %s, which does not authenticate',
    async (_what, query) => {
      const url = `/api/probe${query}`;

      expect((await send(app, { method: 'GET', url, key: null })).status).toBe(
        401,
      );
      expect(redactUrl(url)).not.toContain(KEY);
    },
  );

  it('redacts the other credential-shaped parameters and continuation tokens', () => {
    expect(redactUrl('/x?key=a&sig=b&token=c&continuationToken=d&Sig=e')).toBe(
      '/x?key=REDACTED&sig=REDACTED&token=REDACTED&continuationToken=REDACTED&Sig=REDACTED',
    );
  });

  it('redacts the patient an auditor searches the register for, however spelled', () => {
    expect(
      redactUrl('/api/auditrecord?patientId=p-1&limit=200&PATIENTID=p-2'),
    ).toBe('/api/auditrecord?patientId=REDACTED&limit=200&PATIENTID=REDACTED');
  });

  it('keeps the path, other parameters and a URL without query as they are', () => {
    expect(
      redactUrl('https://h.test/api/patient/search?limit=5&codes=x&a'),
    ).toBe('https://h.test/api/patient/search?limit=5&codes=x&a');
    expect(redactUrl('/api/patient/code=secret')).toBe(
      '/api/patient/code=secret',
    );
  });

  it('redacts a bare query string (the url.query attribute), first parameter included', () => {
    expect(redactQuery(`code=${KEY}&limit=5`)).toBe(`code=${REDACTED}&limit=5`);
  });
});
