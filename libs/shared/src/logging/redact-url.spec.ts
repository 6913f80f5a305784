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
    expect(
      redactUrl(
        '/x?key=a&sig=b&token=c&continuationToken=d&Sig=e&_continuationToken=f',
      ),
    ).toBe(
      '/x?key=REDACTED&sig=REDACTED&token=REDACTED&continuationToken=REDACTED&Sig=REDACTED&_continuationToken=REDACTED',
    );
  });

  it('redacts the patient an auditor searches the register for, however spelled', () => {
    expect(
      redactUrl('/api/auditrecord?patientId=p-1&limit=200&PATIENTID=p-2'),
    ).toBe('/api/auditrecord?patientId=REDACTED&limit=200&PATIENTID=REDACTED');
  });

  it('keeps the path, parameter names and a URL without query as they are', () => {
    expect(
      redactUrl('https://h.test/api/patient/search?limit=5&codes=x&_pretty'),
    ).toBe('https://h.test/api/patient/search?limit=5&codes=REDACTED&_pretty');
    expect(redactUrl('/api/patient/code=secret')).toBe(
      '/api/patient/code=secret',
    );
  });

  it('redacts a bare word that is not a listed name: it may be data, not a name', () => {
    expect(redactUrl('/fhir/Patient?Jane%20Doe&_count=5&1980-01-02')).toBe(
      `/fhir/Patient?${REDACTED}&_count=5&${REDACTED}`,
    );
  });

  it('redacts a bare query string (the url.query attribute), first parameter included', () => {
    expect(redactQuery(`code=${KEY}&limit=5`)).toBe(`code=${REDACTED}&limit=5`);
    expect(redactQuery('family=Doe&_count=5')).toBe(
      `family=${REDACTED}&_count=5`,
    );
  });
});

/** Search parameters of the FHIR searches (Patient, Observation, DiagnosticReport, AuditEvent) and common ones. */
const PERSONAL_PARAMETERS = [
  'family',
  'given',
  'name',
  'birthdate',
  'identifier',
  'phone',
  'email',
  'telecom',
  'address',
  'address-postalcode',
  'gender',
  'subject',
  'patient',
  'entity',
  'agent',
  'date',
  '_id',
  'code',
  'status',
  'resourceId',
  'correlationId',
  'actor',
  'from',
  'to',
];

/** How a client, a proxy or a confused parser may write a parameter's name. */
const NAME_SPELLINGS: [string, (name: string) => string][] = [
  ['as is', (name) => name],
  ['in upper case', (name) => name.toUpperCase()],
  [
    'with its first letter encoded',
    (name) => `${encodedEveryByte(name[0])}${name.slice(1)}`,
  ],
  ['wholly encoded', encodedEveryByte],
  ['encoded twice', (name) => encodedEveryByte(name).replace(/%/g, '%25')],
  ['with brackets', (name) => `${name}[]`],
  ['with a FHIR modifier', (name) => `${name}:exact`],
  ['with a space around it', (name) => `+${name}%20`],
];

describe('redactQuery on FHIR searches: names kept, values only where listed', () => {
  const VALUE = 'Doe-1980-01-02';

  describe.each(NAME_SPELLINGS)('a name written %s', (_how, spell) => {
    it.each(PERSONAL_PARAMETERS)('loses the value of %s', (parameter) => {
      const name = spell(parameter);
      const query = `_count=5&${name}=${VALUE}&${name}=${encodeURIComponent(VALUE)}&${name}=${encodedEveryByte(VALUE)}`;

      expect(redactQuery(query)).toBe(
        `_count=5&${name}=${REDACTED}&${name}=${REDACTED}&${name}=${REDACTED}`,
      );
    });
  });

  it('leaves nothing of the Patient search a FHIR client sends', () => {
    const url =
      '/api/fhir/Patient?family=Doe&given=Jane&birthdate=1980-01-02&identifier=urn%3Ax%7C123&_count=10';

    const redacted = redactUrl(url);

    expect(redacted).toBe(
      '/api/fhir/Patient?family=REDACTED&given=REDACTED&birthdate=REDACTED&identifier=REDACTED&_count=10',
    );
    for (const personal of ['Doe', 'Jane', '1980', 'urn', '123']) {
      expect(redacted).not.toContain(personal);
    }
  });

  it('keeps the values of page sizes, formats and inclusions', () => {
    const query = [
      'limit=200',
      '_count=10',
      '_format=json',
      '_format=application%2Ffhir%2Bjson',
      '_format=application/fhir+json',
      '_pretty=true',
      '_include=*',
      '_include=Patient:organization',
      '_include=DiagnosticReport%3Aresult',
      '_revinclude=DiagnosticReport:subject',
    ].join('&');

    expect(redactQuery(query)).toBe(query);
  });

  it('recognises a listed name however spelled, and repeated', () => {
    const query =
      '_COUNT=5&%5Fcount=5&%255Fcount=5&_count[]=5&_count=6&LIMIT=7';

    expect(redactQuery(query)).toBe(query);
  });

  it.each([
    ['a name in a page size', '_count=Doe'],
    ['a date in a page size', 'limit=19800102x'],
    ['a parameter after a semicolon', 'limit=5;family=Doe'],
    ['a second equals sign', '_include=Patient:name=Doe'],
    ['an encoded separator', `limit=5${encodeURIComponent('&family=Doe')}`],
    ['a value that does not decode', '_count=5%E0%A4%A'],
    ['an unknown format', '_format=Doe'],
    ['anything but true or false', '_pretty=Doe'],
    ['a search value in an inclusion', '_revinclude=Patient:family:Doe'],
    ['a target type in an inclusion', '_revinclude=Provenance:target:Patient'],
    ['free text in an inclusion', '_include=Jane Doe'],
  ])(
    'redacts a listed parameter whose value is not what it takes: %s',
    (_what, query) => {
      const name = query.slice(0, query.indexOf('='));

      expect(redactQuery(query)).toBe(`${name}=${REDACTED}`);
    },
  );

  it.each([
    'x',
    'counts',
    '_count2',
    '_countx',
    'xlimit',
    'limit[family]',
    'limit[0]',
    '_count:exact',
    'limit.family',
    '__proto__',
    'constructor',
    'toString',
    '',
    '%',
    '%ZZ',
  ])(
    'never keeps a value for the unlisted name "%s", even a value a listed one may have',
    (name) => {
      for (const value of ['5', 'json', 'true', '*', 'Patient:organization']) {
        expect(redactQuery(`${name}=${value}`)).toBe(`${name}=${REDACTED}`);
      }
    },
  );
});
