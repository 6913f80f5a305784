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
import { sampleTest } from '@test/samples';
import { patientNotFound } from '../patients/patient.errors';
import type { MedicalTest } from './medical-test.dto';
import {
  medicalTestNotFound,
  medicalTestPatientMismatch,
} from './medical-test.errors';
import { MedicalTestsController } from './medical-tests.controller';
import { MedicalTestsService } from './medical-tests.service';

/** Who the audit records as the caller of a request made with the test key. */
const KEYED_CALLER = {
  actor: expect.stringMatching(/^key:[0-9a-f]{8}$/),
  clientAddress: '127.0.0.1',
};

const PATIENT_ID = '0b6f1a52-4c1e-4a8e-9d3b-1f2a3b4c5d6e';
const TEST_ID = 'c3a1e2d4-5b6f-4a7b-8c9d-0e1f2a3b4c5d';
const LAST_UPDATED = '2026-03-01T10:00:00.000Z';
const UUID_V4 =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TESTS_URL = `/api/patient/${PATIENT_ID}/tests`;

const storedTest = (): MedicalTest => ({
  ...sampleTest(),
  id: TEST_ID,
  patientId: PATIENT_ID,
  lastUpdated: LAST_UPDATED,
});

const observation = (overrides: Record<string, unknown>) => ({
  ...sampleTest().observations[0],
  ...overrides,
});

describe('MedicalTestsController (one controller, global pipeline)', () => {
  let app: NestFastifyApplication | undefined;

  async function boot(
    stubs: Parameters<typeof strictProviderMock<MedicalTestsService>>[0] = {},
    record: jest.Mock = auditAccepts(),
  ) {
    const service = strictProviderMock<MedicalTestsService>(stubs);
    app = await createControllerApp(MedicalTestsController, [
      { provide: MedicalTestsService, useValue: service },
      ...auditProviders(record),
    ]);
    return { app, service, record };
  }

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  describe('POST /api/patient/{patientId}/tests', () => {
    const createEchoing = () =>
      jest.fn((patientId: string, id: string, body: object) =>
        Promise.resolve({
          ...body,
          id,
          patientId,
          lastUpdated: LAST_UPDATED,
        }),
      );

    it('answers 201 with the stored test and its Location, under the id audited before the write', async () => {
      const { app, service, record } = await boot({ create: createEchoing() });
      const body = sampleTest();

      const response = await send(app, {
        method: 'POST',
        url: TESTS_URL,
        body,
      });

      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        ...body,
        id: expect.stringMatching(UUID_V4),
        patientId: PATIENT_ID,
        lastUpdated: LAST_UPDATED,
      });
      const id: string = response.body.id;
      expect(response.headers.location).toBe(`${TESTS_URL}/${id}`);
      expect(service.create).toHaveBeenCalledWith(PATIENT_ID, id, body);
      const audited = {
        resource: 'test',
        operation: 'create',
        resourceId: id,
        patientIds: [PATIENT_ID],
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
      expect(record.mock.invocationCallOrder[0]).toBeLessThan(
        service.create.mock.invocationCallOrder[0],
      );
      expect(service.create.mock.invocationCallOrder[0]).toBeLessThan(
        record.mock.invocationCallOrder[1],
      );
    });

    it('passes a body patientId on to the service, which checks it against the path', async () => {
      const { app, service } = await boot({ create: createEchoing() });

      const response = await send(app, {
        method: 'POST',
        url: TESTS_URL,
        body: sampleTest({ patientId: PATIENT_ID }),
      });

      expect(response.status).toBe(201);
      expect(service.create).toHaveBeenCalledWith(
        PATIENT_ID,
        expect.any(String),
        expect.objectContaining({ patientId: PATIENT_ID }),
      );
    });

    it.each([
      ['without performer', { performer: undefined }, 'performer'],
      ['with an empty performer', { performer: '' }, 'performer'],
      [
        'with a performer over 128 characters',
        { performer: 'a'.repeat(129) },
        'performer',
      ],
      [
        'without orderReference',
        { orderReference: undefined },
        'orderReference',
      ],
      ['without observations', { observations: undefined }, 'observations'],
      ['with no observations', { observations: [] }, 'observations'],
      [
        'with 101 observations',
        { observations: Array.from({ length: 101 }, () => observation({})) },
        'observations',
      ],
      [
        'with an observation without a status',
        { observations: [observation({ status: undefined })] },
        'observations.0.status',
      ],
      [
        'with an observation whose issued is not a date-time',
        { observations: [observation({ issued: 'yesterday' })] },
        'observations.0.issued',
      ],
      [
        'with an observation with an unknown field',
        { observations: [observation({ note: 'x' })] },
        'observations.0',
      ],
      [
        'with an observation value over 256 characters',
        { observations: [observation({ measurement: 'a'.repeat(257) })] },
        'observations.0.measurement',
      ],
      ['with a number for a string', { performer: 3 }, 'performer'],
      [
        'with an array for a string',
        { orderReference: ['a'] },
        'orderReference',
      ],
      [
        'with a $-operator for a string',
        { patientId: { $ne: null } },
        'patientId',
      ],
      [
        'with an object for the observations',
        { observations: { id: 'x' } },
        'observations',
      ],
      ['with an id', { id: TEST_ID }, '(body)'],
      ['with a lastUpdated', { lastUpdated: LAST_UPDATED }, '(body)'],
      ['with an unknown field', { priority: 'high' }, '(body)'],
    ])(
      'answers 400 problem+json for a body %s, naming the field, without creating',
      async (_what, overrides, path) => {
        const { app } = await boot();

        const response = await send(app, {
          method: 'POST',
          url: TESTS_URL,
          body: sampleTest(overrides),
        });

        expect(validationPaths(response)).toContain(path);
      },
    );

    it('answers 400 PATIENT_ID_MISMATCH problem+json when the body patientId differs from the path', async () => {
      const { app } = await boot({
        create: jest.fn().mockRejectedValue(medicalTestPatientMismatch()),
      });

      const response = await send(app, {
        method: 'POST',
        url: TESTS_URL,
        body: sampleTest({ patientId: '7d9e8f10-1a2b-4c3d-8e4f-5a6b7c8d9e0f' }),
      });

      expectProblem(response, 400, 'PATIENT_ID_MISMATCH');
    });

    it('answers 404 PATIENT_NOT_FOUND problem+json for an unknown patient', async () => {
      const { app } = await boot({
        create: jest.fn().mockRejectedValue(patientNotFound()),
      });

      const response = await send(app, {
        method: 'POST',
        url: TESTS_URL,
        body: sampleTest(),
      });

      expectProblem(response, 404, 'PATIENT_NOT_FOUND');
    });
  });

  describe('GET /api/patient/{patientId}/tests', () => {
    it("answers 200 with the patient's tests as an array and x-continuation-token, audited as a list naming the patient", async () => {
      const items = [storedTest()];
      const { app, service, record } = await boot({
        list: jest.fn().mockResolvedValue(new Page(items, 'next-page-token')),
      });

      const response = await send(app, {
        method: 'GET',
        url: `${TESTS_URL}?limit=1&continuationToken=this-page`,
      });

      expect(response.status).toBe(200);
      expect(response.body).toEqual(items);
      expect(response.headers['x-continuation-token']).toBe('next-page-token');
      expect(service.list).toHaveBeenCalledWith(PATIENT_ID, {
        limit: 1,
        continuationToken: 'this-page',
      });
      expect(record.mock.calls).toEqual([
        [
          {
            resource: 'test',
            operation: 'list',
            resourceId: undefined,
            patientIds: [PATIENT_ID],
            outcome: 200,
          },
          expect.any(String),
          KEYED_CALLER,
        ],
      ]);
    });

    it('accepts a trailing slash and answers an empty array without x-continuation-token for a patient without tests', async () => {
      const { app, service } = await boot({
        list: jest.fn().mockResolvedValue(new Page([])),
      });

      const response = await send(app, {
        method: 'GET',
        url: `${TESTS_URL}/`,
      });

      expect(response.status).toBe(200);
      expect(response.body).toEqual([]);
      expect(response.headers['x-continuation-token']).toBeUndefined();
      expect(service.list).toHaveBeenCalledWith(PATIENT_ID, {});
    });

    it('answers 404 PATIENT_NOT_FOUND problem+json for an unknown patient', async () => {
      const { app } = await boot({
        list: jest.fn().mockRejectedValue(patientNotFound()),
      });

      const response = await send(app, { method: 'GET', url: TESTS_URL });

      expectProblem(response, 404, 'PATIENT_NOT_FOUND');
    });

    it('answers 400 INVALID_CONTINUATION_TOKEN problem+json when the service rejects the token', async () => {
      const { app } = await boot({
        list: jest
          .fn()
          .mockRejectedValue(
            new BadRequestError('INVALID_CONTINUATION_TOKEN', 'Not ours.'),
          ),
      });

      const response = await send(app, {
        method: 'GET',
        url: `${TESTS_URL}?continuationToken=forged`,
      });

      expectProblem(response, 400, 'INVALID_CONTINUATION_TOKEN');
    });
  });

  describe('GET /api/patient/{patientId}/tests/{testId}', () => {
    it('answers 200 with the test, audited as a read of that test', async () => {
      const stored = storedTest();
      const { app, service, record } = await boot({
        get: jest.fn().mockResolvedValue(stored),
      });

      const response = await send(app, {
        method: 'GET',
        url: `${TESTS_URL}/${TEST_ID}`,
      });

      expect(response.status).toBe(200);
      expect(response.body).toEqual(stored);
      expect(service.get).toHaveBeenCalledWith(PATIENT_ID, TEST_ID);
      expect(record.mock.calls).toEqual([
        [
          {
            resource: 'test',
            operation: 'read',
            resourceId: TEST_ID,
            patientIds: [PATIENT_ID],
            outcome: 200,
          },
          expect.any(String),
          KEYED_CALLER,
        ],
      ]);
    });

    it('answers 404 TEST_NOT_FOUND problem+json when the test is not found', async () => {
      const { app } = await boot({
        get: jest.fn().mockRejectedValue(medicalTestNotFound()),
      });

      const response = await send(app, {
        method: 'GET',
        url: `${TESTS_URL}/${PATIENT_ID}`,
      });

      expectProblem(response, 404, 'TEST_NOT_FOUND');
    });
  });

  describe('API key', () => {
    it('accepts the key as the code query parameter of a paged list', async () => {
      const { app, service } = await boot({
        list: jest.fn().mockResolvedValue(new Page([])),
      });

      const response = await send(app, {
        method: 'GET',
        url: `${TESTS_URL}?code=${TEST_API_KEY}`,
        key: null,
      });

      expect(response.status).toBe(200);
      expect(service.list).toHaveBeenCalledTimes(1);
    });
  });

  describe('when the audit register is unavailable', () => {
    it('POST answers 503 AUDIT_UNAVAILABLE problem+json with Retry-After, and the service is never called', async () => {
      const { app, record } = await boot({}, auditDown());

      const response = await send(app, {
        method: 'POST',
        url: TESTS_URL,
        body: sampleTest(),
      });

      expectProblem(response, 503, 'AUDIT_UNAVAILABLE');
      expect(response.headers['retry-after']).toBe('5');
      expect(record).toHaveBeenCalledTimes(1);
    });

    it.each([
      ['list', TESTS_URL, new Page([storedTest()])],
      ['get', `${TESTS_URL}/${TEST_ID}`, storedTest()],
    ] as const)(
      'GET (%s) answers 503 AUDIT_UNAVAILABLE problem+json with Retry-After, and none of what was read',
      async (operation, url, result) => {
        const { app, record } = await boot(
          { [operation]: jest.fn().mockResolvedValue(result) },
          auditDown(),
        );

        const response = await send(app, { method: 'GET', url });

        const problem = expectProblem(response, 503, 'AUDIT_UNAVAILABLE');
        expect(response.headers['retry-after']).toBe('5');
        expect(JSON.stringify(problem)).not.toContain(TEST_ID);
        expect(JSON.stringify(problem)).not.toContain(
          storedTest().orderReference,
        );
        expect(record).toHaveBeenCalledTimes(1);
      },
    );
  });
});
