import { randomUUID } from 'node:crypto';
import { samplePatient } from '../support/samples';
import type { HttpClient } from '../support/http';
import { startStack } from './support/stack';

type Stack = Awaited<ReturnType<typeof startStack>>;

const nested = (open: string, close: string, depth: number) =>
  `${open.repeat(depth)}${close.repeat(depth)}`;

/** Bodies JSON.parse accepts (within 64 KiB) that no client of this API would send. */
const HOSTILE_BODIES: [string, string][] = [
  ['__proto__', '{"__proto__":{"admin":true}}'],
  ['constructor.prototype', '{"constructor":{"prototype":{"admin":true}}}'],
  [
    'prototype members as keys',
    '{"toString":1,"valueOf":"x","hasOwnProperty":[]}',
  ],
  ['arrays nested 20,000 deep', nested('[', ']', 20_000)],
  [
    'objects nested 8,000 deep',
    `${'{"a":'.repeat(8_000)}1${'}'.repeat(8_000)}`,
  ],
  ['a number beyond float range', '{"firstName":1e400,"limit":-1e400}'],
  ['a huge integer', '{"firstName":123456789012345678901234567890}'],
  ['negative zero', '-0'],
  ['duplicate keys', '{"firstName":"a","firstName":{"$gt":""}}'],
  ['a lone surrogate', '{"firstName":"\\ud800"}'],
  ['a lone surrogate as a key', '{"\\udc00":1}'],
  ['a NUL in a key and a value', '{"a\\u0000b":"c\\u0000d"}'],
  ['operators and dotted keys', '{"$where":"1","a.b":1,"$set":{"x":1}}'],
  ['a string', '"text"'],
  ['a number', '42'],
  ['null', 'null'],
  ['true', 'true'],
  ['an empty array', '[]'],
  ['an empty object', '{}'],
  ['an array of patients', '[{"firstName":"a"}]'],
];

describe('bodies the JSON parser accepts never produce a 5xx', () => {
  let stack: Stack;
  let patientId: string;

  beforeAll(async () => {
    stack = await startStack();
    patientId = (
      await stack.patientTests.client.post('/patient', samplePatient())
    ).body.id;
  });

  afterAll(() => stack.close());

  /** Every route that takes a body, on both apps, with the client that can call it. */
  const routes = (): [string, string, HttpClient][] => [
    ['POST', '/patient', stack.patientTests.client],
    ['PUT', `/patient/${patientId}`, stack.patientTests.client],
    ['POST', '/patient/search', stack.patientTests.client],
    ['POST', `/patient/${patientId}/tests`, stack.patientTests.client],
    ['POST', '/auditrecord', stack.audit.client],
  ];

  it.each(HOSTILE_BODIES)(
    'answers %s with 4xx problem+json (never 5xx) on every body route, with and without Idempotency-Key',
    async (_what, rawBody) => {
      expect(Buffer.byteLength(rawBody)).toBeLessThanOrEqual(64 * 1024);
      for (const [method, path, client] of routes()) {
        const keyOrNot: Record<string, string>[] = [
          {},
          { 'idempotency-key': randomUUID() },
        ];
        for (const headers of keyOrNot) {
          const response = await client.request(method, path, {
            rawBody,
            headers,
          });
          const where = `${method} ${path} ${JSON.stringify(headers)}`;
          // `{}` is a valid search; everything else is the client's error, never the server's.
          const expected =
            rawBody === '{}' && path === '/patient/search' ? 2 : 4;
          expect({
            where,
            statusClass: Math.floor(response.status / 100),
          }).toEqual({ where, statusClass: expected });
          if (expected === 4) {
            expect(response.headers.get('content-type')).toContain(
              'application/problem+json',
            );
          }
        }
      }
    },
  );

  it('replays valid creates sent with odd but valid JSON (duplicate keys, escapes) without a 5xx', async () => {
    const patient = samplePatient();
    // The last duplicate wins in JSON.parse; the escapes decode to the sample's own text.
    const rawBody = JSON.stringify(patient).replace(
      '{',
      '{"firstName":"ignored",',
    );
    const headers = { 'idempotency-key': randomUUID() };
    const first = await stack.patientTests.client.post('/patient', undefined, {
      rawBody,
      headers,
    });
    const replay = await stack.patientTests.client.post('/patient', undefined, {
      rawBody,
      headers,
    });

    expect([first.status, replay.status]).toEqual([201, 201]);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });
});
