import { samplePatient } from '../support/samples';
import { HOST_KINDS, HostKind, startStackOn } from './support/hosts';

type Stack = Awaited<ReturnType<typeof startStackOn>>;

const EMOJI = '\u{1F600}';

async function verify(stack: Stack) {
  const response = await stack.audit.client.get('/auditrecord/verify');
  expect(response.status).toBe(200);
  return response.body as { valid: boolean; checked: number };
}

describe.each(HOST_KINDS)(
  'text that UTF-8 cannot hold never reaches the audit chain, on the %s host',
  (kind: HostKind) => {
    let stack: Stack;

    beforeAll(async () => {
      stack = await startStackOn(kind);
    });

    afterAll(() => stack.close());

    it('records a path id whose 128-unit bound falls inside an emoji without the emoji, and verify stays valid', async () => {
      const id = `${'a'.repeat(127)}${EMOJI}tail`;

      const response = await stack.patientTests.client.get(
        `/patient/${encodeURIComponent(id)}`,
      );

      expect(response.status).toBe(404);
      const records = await stack.audit.client.get('/auditrecord?limit=1');
      expect(records.body[0].resource).toMatchObject({
        type: 'patient',
        operation: 'read',
        id: 'a'.repeat(127),
      });
      expect(records.body[0]).toMatchObject({
        patientIds: ['a'.repeat(127)],
        outcome: 404,
      });
      expect(await verify(stack)).toMatchObject({ valid: true });
    });

    it('answers 400 MALFORMED_TEXT for "\\ud800" in an audit record, stores nothing, and verify stays valid', async () => {
      const before = await verify(stack);

      const response = await stack.audit.appender.post('/auditrecord', {
        sourceSystemName: 'surrogates',
        resource: { type: 'patient', id: '\ud800', operation: 'read' },
        patientIds: ['\ud800'],
        outcome: 200,
      });

      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain(
        'application/problem+json',
      );
      expect(response.body.code).toBe('MALFORMED_TEXT');
      expect(await verify(stack)).toEqual({ ...before, valid: true });
    });

    it.each([
      ['a value', { ...samplePatient(), firstName: 'Ada\udc00' }],
      ['a member name', { ...samplePatient(), ['x\ud83d']: 'y' }],
    ])(
      'answers 400 MALFORMED_TEXT for a lone surrogate in %s of a patient-tests body, before auditing it',
      async (_where, body) => {
        const before = await verify(stack);

        const response = await stack.patientTests.client.post('/patient', body);

        expect(response.status).toBe(400);
        expect(response.body.code).toBe('MALFORMED_TEXT');
        expect(await verify(stack)).toEqual(before);
      },
    );
  },
);
