import { BadRequestError } from '@app/shared/errors';
import { Page } from '@app/shared/http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  createControllerApp,
  expectProblem,
  send,
  strictProviderMock,
  TEST_API_KEY,
  validationPaths,
} from '@test/controller-app';
import {
  auditAccepts,
  auditDown,
  auditProviders,
  AUDIT_RECORD_ID,
} from '@test/patient-tests-audit';
import { samplePatient } from '@test/samples';
import type { Patient } from './patient.dto';
import { patientIdMismatch, patientNotFound } from './patient.errors';
import { PatientsController } from './patients.controller';
import { PatientsService } from './patients.service';

/** Who the audit records as the caller of a request made with the test key. */
const KEYED_CALLER = {
  actor: expect.stringMatching(/^key:[0-9a-f]{8}$/),
  clientAddress: '127.0.0.1',
};

const PATIENT_ID = '0b6f1a52-4c1e-4a8e-9d3b-1f2a3b4c5d6e';
const LAST_UPDATED = '2026-03-01T10:00:00.000Z';
const UUID_V4 =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const storedPatient = (overrides: Record<string, unknown> = {}): Patient =>
  ({
    ...samplePatient(),
    id: PATIENT_ID,
    lastUpdated: LAST_UPDATED,
    ...overrides,
  }) as Patient;

/** Bodies that break one rule of the patient schema, with the path the problem must name. */
const INVALID_PATIENT_BODIES: Array<[string, Record<string, unknown>, string]> =
  [
    ['without firstName', { firstName: undefined }, 'firstName'],
    ['with an empty firstName', { firstName: '' }, 'firstName'],
    [
      'with a firstName over 64 characters',
      { firstName: 'a'.repeat(65) },
      'firstName',
    ],
    [
      'with a fullName over 128 characters',
      { fullName: 'a'.repeat(129) },
      'fullName',
    ],
    ['without gender', { gender: undefined }, 'gender'],
    ['with an unknown gender', { gender: 'f' }, 'gender'],
    ['with a 3-character postCode', { postCode: '200' }, 'postCode'],
    ['with a 5-character postCode', { postCode: '20000' }, 'postCode'],
    ['without dateOfBirth', { dateOfBirth: undefined }, 'dateOfBirth'],
    [
      'with the date of birth 2023-02-29',
      { dateOfBirth: '2023-02-29' },
      'dateOfBirth',
    ],
    [
      'with a date of birth in month 13',
      { dateOfBirth: '1990-13' },
      'dateOfBirth',
    ],
    [
      'with a future date of birth',
      { dateOfBirth: '2999-01-01' },
      'dateOfBirth',
    ],
    ['with a number for a string', { firstName: 5 }, 'firstName'],
    ['with a number postCode (no coercion)', { postCode: 2000 }, 'postCode'],
    ['with an array for a string', { lastName: ['Lovelace'] }, 'lastName'],
    ['with an object for a string', { fullName: { first: 'Ada' } }, 'fullName'],
    [
      'with a $-operator for a string',
      { insuranceNumber: { $ne: null } },
      'insuranceNumber',
    ],
    ['with an unknown field', { nickname: 'Ada' }, '(body)'],
  ];

describe('PatientsController (one controller, global pipeline)', () => {
  let app: NestFastifyApplication | undefined;

  async function boot(
    stubs: Parameters<typeof strictProviderMock<PatientsService>>[0] = {},
    record: jest.Mock = auditAccepts(),
  ) {
    const service = strictProviderMock<PatientsService>(stubs);
    app = await createControllerApp(PatientsController, [
      { provide: PatientsService, useValue: service },
      ...auditProviders(record),
    ]);
    return { app, service, record };
  }

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  describe('POST /api/patient', () => {
    const createEchoing = () =>
      jest.fn((id: string, fields: object) =>
        Promise.resolve({ ...fields, id, lastUpdated: LAST_UPDATED }),
      );

    it('answers 201 with the stored patient and its Location, under the id audited before the write', async () => {
      const { app, service, record } = await boot({ create: createEchoing() });
      const body = samplePatient();

      const response = await send(app, {
        method: 'POST',
        url: '/api/patient',
        body,
      });

      expect(response.status).toBe(201);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toEqual({
        ...body,
        id: expect.stringMatching(UUID_V4),
        lastUpdated: LAST_UPDATED,
      });
      const id: string = response.body.id;
      expect(response.headers.location).toBe(`/api/patient/${id}`);
      expect(service.create).toHaveBeenCalledWith(id, body);
      const audited = {
        resource: 'patient',
        operation: 'create',
        resourceId: id,
        patientIds: [id],
      };
      expect(record.mock.calls).toEqual([
        [
          { ...audited, outcome: 'attempted' },
          response.headers['x-correlation-id'],
          KEYED_CALLER,
        ],
        [
          { ...audited, outcome: 201, attemptId: AUDIT_RECORD_ID },
          response.headers['x-correlation-id'],
          KEYED_CALLER,
        ],
      ]);
      // The attempt before the write, its outcome after it.
      expect(record.mock.invocationCallOrder[0]).toBeLessThan(
        service.create.mock.invocationCallOrder[0],
      );
      expect(service.create.mock.invocationCallOrder[0]).toBeLessThan(
        record.mock.invocationCallOrder[1],
      );
    });

    it('accepts a trailing slash', async () => {
      const { app } = await boot({ create: createEchoing() });

      const response = await send(app, {
        method: 'POST',
        url: '/api/patient/',
        body: samplePatient(),
      });

      expect(response.status).toBe(201);
    });

    it('assigns a new id to every patient', async () => {
      const { app } = await boot({ create: createEchoing() });

      const first = await send(app, {
        method: 'POST',
        url: '/api/patient',
        body: samplePatient(),
      });
      const second = await send(app, {
        method: 'POST',
        url: '/api/patient',
        body: samplePatient(),
      });

      expect(first.body.id).not.toBe(second.body.id);
    });

    it.each(INVALID_PATIENT_BODIES)(
      'answers 400 problem+json for a body %s, naming the field, without creating',
      async (_what, overrides, path) => {
        const { app } = await boot();

        const response = await send(app, {
          method: 'POST',
          url: '/api/patient',
          body: samplePatient(overrides),
        });

        expect(validationPaths(response)).toContain(path);
      },
    );

    it.each([
      ['an id', { id: PATIENT_ID }],
      ['a lastUpdated', { lastUpdated: LAST_UPDATED }],
    ])(
      'answers 400 problem+json when the body supplies %s, which belongs to the server',
      async (_what, overrides) => {
        const { app } = await boot();

        const response = await send(app, {
          method: 'POST',
          url: '/api/patient',
          body: samplePatient(overrides),
        });

        const body = expectProblem(response, 400, 'VALIDATION_FAILED');
        expect(body.errors).toEqual([
          {
            path: '(body)',
            message: expect.stringContaining(Object.keys(overrides)[0]),
          },
        ]);
      },
    );

    it.each([
      ['an array', [samplePatient()]],
      ['a string', 'Ada'],
      ['null', null],
    ])(
      'answers 400 problem+json for %s instead of an object',
      async (_what, body) => {
        const { app } = await boot();

        const response = await send(app, {
          method: 'POST',
          url: '/api/patient',
          body,
        });

        expect(validationPaths(response)).toEqual(['(body)']);
      },
    );
  });

  describe('GET /api/patient/{patientId}', () => {
    it('answers 200 with the patient the service returns for the path id, audited as a read of that id', async () => {
      const stored = storedPatient();
      const { app, service, record } = await boot({
        get: jest.fn().mockResolvedValue(stored),
      });

      const response = await send(app, {
        method: 'GET',
        url: `/api/patient/${PATIENT_ID}`,
      });

      expect(response.status).toBe(200);
      expect(response.body).toEqual(stored);
      expect(response.headers.location).toBeUndefined();
      expect(service.get).toHaveBeenCalledWith(PATIENT_ID);
      expect(record.mock.calls).toEqual([
        [
          {
            resource: 'patient',
            operation: 'read',
            resourceId: PATIENT_ID,
            patientIds: [PATIENT_ID],
            outcome: 200,
          },
          response.headers['x-correlation-id'],
          KEYED_CALLER,
        ],
      ]);
    });

    it('answers 404 PATIENT_NOT_FOUND problem+json when the service finds no patient', async () => {
      const { app } = await boot({
        get: jest.fn().mockRejectedValue(patientNotFound()),
      });

      const response = await send(app, {
        method: 'GET',
        url: `/api/patient/${PATIENT_ID}`,
      });

      expectProblem(response, 404, 'PATIENT_NOT_FOUND');
    });
  });

  describe('PUT /api/patient/{patientId}', () => {
    it('answers 200 with the updated patient for exactly the body GET returned, with a field changed', async () => {
      const updated = storedPatient({
        postCode: '9999',
        lastUpdated: '2026-03-02T00:00:00.000Z',
      });
      const { app, service, record } = await boot({
        update: jest.fn().mockResolvedValue(updated),
      });
      const body = { ...storedPatient(), postCode: '9999' };

      const response = await send(app, {
        method: 'PUT',
        url: `/api/patient/${PATIENT_ID}`,
        body,
      });

      expect(response.status).toBe(200);
      expect(response.body).toEqual(updated);
      expect(service.update).toHaveBeenCalledWith(PATIENT_ID, body, undefined);
      const audited = {
        resource: 'patient',
        operation: 'update',
        resourceId: PATIENT_ID,
        patientIds: [PATIENT_ID],
      };
      expect(record.mock.calls).toEqual([
        [
          { ...audited, outcome: 'attempted' },
          expect.any(String),
          KEYED_CALLER,
        ],
        [
          { ...audited, outcome: 200, attemptId: AUDIT_RECORD_ID },
          expect.any(String),
          KEYED_CALLER,
        ],
      ]);
    });

    it.each([
      ...INVALID_PATIENT_BODIES,
      ['with a number id', { id: 42 }, 'id'],
      [
        'with an object lastUpdated',
        { lastUpdated: { $gt: '' } },
        'lastUpdated',
      ],
    ])(
      'answers 400 problem+json for a body %s, naming the field, without updating',
      async (_what, overrides, path) => {
        const { app } = await boot();

        const response = await send(app, {
          method: 'PUT',
          url: `/api/patient/${PATIENT_ID}`,
          body: samplePatient(overrides),
        });

        expect(validationPaths(response)).toContain(path);
      },
    );

    it('answers 400 PATIENT_ID_MISMATCH problem+json when the service finds the body id differs from the path', async () => {
      const { app } = await boot({
        update: jest.fn().mockRejectedValue(patientIdMismatch()),
      });

      const response = await send(app, {
        method: 'PUT',
        url: `/api/patient/${PATIENT_ID}`,
        body: storedPatient({ id: '7d9e8f10-1a2b-4c3d-8e4f-5a6b7c8d9e0f' }),
      });

      expectProblem(response, 400, 'PATIENT_ID_MISMATCH');
    });

    it('answers 404 PATIENT_NOT_FOUND problem+json when there is no such patient', async () => {
      const { app } = await boot({
        update: jest.fn().mockRejectedValue(patientNotFound()),
      });

      const response = await send(app, {
        method: 'PUT',
        url: `/api/patient/${PATIENT_ID}`,
        body: samplePatient(),
      });

      expectProblem(response, 404, 'PATIENT_NOT_FOUND');
    });
  });

  describe('POST /api/patient/search', () => {
    it('answers 200 with the page items as an array and the continuation token as x-continuation-token', async () => {
      const items = [storedPatient()];
      const { app, service, record } = await boot({
        search: jest.fn().mockResolvedValue(new Page(items, 'next-page-token')),
      });
      const criteria = { postCode: '2000', dateOfBirthFrom: '1800' };

      const response = await send(app, {
        method: 'POST',
        url: '/api/patient/search?limit=1&continuationToken=this-page',
        body: criteria,
      });

      expect(response.status).toBe(200);
      expect(response.body).toEqual(items);
      expect(response.headers['x-continuation-token']).toBe('next-page-token');
      expect(service.search).toHaveBeenCalledWith(criteria, {
        limit: 1,
        continuationToken: 'this-page',
      });
      expect(record.mock.calls).toEqual([
        [
          {
            resource: 'patient',
            operation: 'search',
            resourceId: undefined,
            patientIds: items.map((patient) => patient.id),
            outcome: 200,
          },
          expect.any(String),
          KEYED_CALLER,
        ],
      ]);
    });

    it('answers 200 with an empty array and no x-continuation-token when nothing matches', async () => {
      const { app } = await boot({
        search: jest.fn().mockResolvedValue(new Page([])),
      });

      const response = await send(app, {
        method: 'POST',
        url: '/api/patient/search',
        body: {},
      });

      expect(response.status).toBe(200);
      expect(response.body).toEqual([]);
      expect(response.headers['x-continuation-token']).toBeUndefined();
    });

    it.each([
      ['an unknown criterion', { nickname: 'Ada' }, '(body)'],
      ['a top-level $-operator', { $where: 'sleep(1000)' }, '(body)'],
      ['a $-operator for a string', { lastName: { $ne: null } }, 'lastName'],
      ['a number for a string', { postCode: 2000 }, 'postCode'],
      ['an array for a string', { firstName: ['Ada'] }, 'firstName'],
      ['an unknown gender', { gender: 'x' }, 'gender'],
      [
        'an impossible date',
        { dateOfBirthFrom: '2023-02-29' },
        'dateOfBirthFrom',
      ],
    ])(
      'answers 400 problem+json for %s, without searching',
      async (_what, criteria, path) => {
        const { app } = await boot();

        const response = await send(app, {
          method: 'POST',
          url: '/api/patient/search',
          body: criteria,
        });

        expect(validationPaths(response)).toContain(path);
      },
    );

    it('answers 400 INVALID_CONTINUATION_TOKEN problem+json when the service rejects the token', async () => {
      const { app } = await boot({
        search: jest
          .fn()
          .mockRejectedValue(
            new BadRequestError('INVALID_CONTINUATION_TOKEN', 'Not ours.'),
          ),
      });

      const response = await send(app, {
        method: 'POST',
        url: '/api/patient/search?continuationToken=forged',
        body: {},
      });

      expectProblem(response, 400, 'INVALID_CONTINUATION_TOKEN');
    });
  });

  describe('API key', () => {
    it('accepts the key as the code query parameter', async () => {
      const { app } = await boot({
        get: jest.fn().mockResolvedValue(storedPatient()),
      });

      const response = await send(app, {
        method: 'GET',
        url: `/api/patient/${PATIENT_ID}?code=${TEST_API_KEY}`,
        key: null,
      });

      expect(response.status).toBe(200);
    });

    it('accepts the key as the code query parameter on a paged search', async () => {
      const { app, service } = await boot({
        search: jest.fn().mockResolvedValue(new Page([])),
      });

      const response = await send(app, {
        method: 'POST',
        url: `/api/patient/search?code=${TEST_API_KEY}`,
        body: {},
        key: null,
      });

      expect(response.status).toBe(200);
      expect(service.search).toHaveBeenCalledTimes(1);
    });
  });

  describe('when the audit register is unavailable', () => {
    it.each([
      ['GET', `/api/patient/${PATIENT_ID}`, undefined, 'get', storedPatient()],
      [
        'POST',
        '/api/patient/search',
        {},
        'search',
        new Page([storedPatient()]),
      ],
    ] as const)(
      '%s %s answers 503 AUDIT_UNAVAILABLE problem+json with Retry-After, and none of what was read',
      async (method, url, body, operation, result) => {
        const { app, record } = await boot(
          { [operation]: jest.fn().mockResolvedValue(result) },
          auditDown(),
        );

        const response = await send(app, { method, url, body });

        const problem = expectProblem(response, 503, 'AUDIT_UNAVAILABLE');
        expect(response.headers['retry-after']).toBe('5');
        expect(JSON.stringify(problem)).not.toContain('ECONNREFUSED');
        expect(JSON.stringify(problem)).not.toContain(PATIENT_ID);
        expect(JSON.stringify(problem)).not.toContain(
          storedPatient().firstName,
        );
        expect(record).toHaveBeenCalledTimes(1);
      },
    );

    it('answers a write that happened even when its outcome record fails, since its attempt was recorded before it', async () => {
      const outcomeFails = auditAccepts();
      outcomeFails.mockImplementationOnce(auditAccepts());
      outcomeFails.mockImplementationOnce(auditDown());
      const { app, service, record } = await boot(
        {
          create: jest.fn((id: string, fields: object) =>
            Promise.resolve({ ...fields, id, lastUpdated: LAST_UPDATED }),
          ),
        },
        outcomeFails,
      );

      const response = await send(app, {
        method: 'POST',
        url: '/api/patient',
        body: samplePatient(),
      });

      expect(response.status).toBe(201);
      expect(service.create).toHaveBeenCalledTimes(1);
      expect(record).toHaveBeenCalledTimes(2);
      expect(record.mock.calls[0][0]).toMatchObject({ outcome: 'attempted' });
      expect(record.mock.calls[1][0]).toMatchObject({ outcome: 201 });
    });

    it.each([
      ['POST', '/api/patient', samplePatient()],
      ['PUT', `/api/patient/${PATIENT_ID}`, samplePatient()],
    ] as const)(
      '%s %s answers 503 AUDIT_UNAVAILABLE problem+json with Retry-After, and the service is never called',
      async (method, url, body) => {
        const { app, record } = await boot({}, auditDown());

        const response = await send(app, { method, url, body });

        const problem = expectProblem(response, 503, 'AUDIT_UNAVAILABLE');
        expect(response.headers['retry-after']).toBe('5');
        expect(JSON.stringify(problem)).not.toContain('ECONNREFUSED');
        expect(record).toHaveBeenCalledTimes(1);
      },
    );
  });
});
