import { encodeContinuationToken, Page } from '@app/shared/http';
import { sampleTest } from '@test/samples';
import { strictMock } from '@test/strict-mock';
import { patientNotFound } from '../patients/patient.errors';
import { PatientsService } from '../patients/patients.service';
import type { CreateMedicalTestDto, MedicalTest } from './medical-test.dto';
import { MedicalTestsRepository } from './medical-tests.repository';
import { MedicalTestsService } from './medical-tests.service';

const PATIENT_ID = '0b6f1a52-4c1e-4a8e-9d3b-1f2a3b4c5d6e';
const OTHER_PATIENT_ID = '7d9e8f10-1a2b-4c3d-8e4f-5a6b7c8d9e0f';
const TEST_ID = 'c3a1e2d4-5b6f-4a7b-8c9d-0e1f2a3b4c5d';

// The shared sample with a fixed order reference, so two calls build equal bodies.
const body = (
  overrides: Partial<CreateMedicalTestDto> = {},
): CreateMedicalTestDto =>
  sampleTest({ orderReference: 'ORD-1', ...overrides });

const storedTest = (id: string): MedicalTest => ({
  ...body(),
  id,
  patientId: PATIENT_ID,
  lastUpdated: '2026-01-01T00:00:00.000Z',
});

const testIds = (count: number) =>
  Array.from(
    { length: count },
    (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  );

function setUp(
  repositoryStubs: Parameters<typeof strictMock<MedicalTestsRepository>>[0],
  patientsStubs: Parameters<typeof strictMock<PatientsService>>[0] = {},
) {
  const repository = strictMock<MedicalTestsRepository>(repositoryStubs);
  const patients = strictMock<PatientsService>(patientsStubs);
  return {
    repository,
    patients,
    service: new MedicalTestsService(repository, patients),
  };
}

const patientExists = () => ({
  assertExists: jest.fn().mockResolvedValue(undefined),
});
const patientMissing = () => ({
  assertExists: jest.fn().mockRejectedValue(patientNotFound()),
});

describe('MedicalTestsService', () => {
  describe('create', () => {
    it('stores the test of an existing patient with the assigned id, the path patient id and a server lastUpdated', async () => {
      const { service, repository, patients } = setUp(
        { insert: jest.fn().mockResolvedValue(undefined) },
        patientExists(),
      );
      const before = Date.now();

      const created = await service.create(PATIENT_ID, TEST_ID, body());

      expect(created).toEqual({
        ...body(),
        id: TEST_ID,
        patientId: PATIENT_ID,
        lastUpdated: expect.any(String),
      });
      expect(new Date(created.lastUpdated).toISOString()).toBe(
        created.lastUpdated,
      );
      expect(Date.parse(created.lastUpdated)).toBeGreaterThanOrEqual(before);
      expect(patients.assertExists).toHaveBeenCalledWith(PATIENT_ID);
      expect(repository.insert).toHaveBeenCalledWith(created);
    });

    it('accepts a body patientId equal to the path', async () => {
      const { service } = setUp(
        { insert: jest.fn().mockResolvedValue(undefined) },
        patientExists(),
      );

      const created = await service.create(
        PATIENT_ID,
        TEST_ID,
        body({ patientId: PATIENT_ID }),
      );

      expect(created.patientId).toBe(PATIENT_ID);
    });

    it('rejects a body patientId that differs from the path with PATIENT_ID_MISMATCH, before any lookup', async () => {
      const { service } = setUp({});

      await expect(
        service.create(
          PATIENT_ID,
          TEST_ID,
          body({ patientId: OTHER_PATIENT_ID }),
        ),
      ).rejects.toMatchObject({ code: 'PATIENT_ID_MISMATCH', status: 400 });
    });

    it('answers 404 PATIENT_NOT_FOUND for an unknown patient, without a write', async () => {
      const { service } = setUp({}, patientMissing());

      await expect(
        service.create(PATIENT_ID, TEST_ID, body()),
      ).rejects.toMatchObject({ code: 'PATIENT_NOT_FOUND', status: 404 });
    });
  });

  describe('list', () => {
    it("fetches one more than the limit of the patient's tests and answers a page with a continuation token", async () => {
      const found = testIds(3).map(storedTest);
      const { service, repository } = setUp(
        { listByPatient: jest.fn().mockResolvedValue(found) },
        patientExists(),
      );

      const page = await service.list(PATIENT_ID, { limit: 2 });

      expect(repository.listByPatient).toHaveBeenCalledWith(
        PATIENT_ID,
        3,
        undefined,
      );
      expect(page).toBeInstanceOf(Page);
      expect(page.items).toEqual(found.slice(0, 2));
      expect(page.continuationToken).toEqual(expect.any(String));
    });

    it('fetches 51 by default and answers an empty page without a token for a patient with no tests', async () => {
      const { service, repository } = setUp(
        { listByPatient: jest.fn().mockResolvedValue([]) },
        patientExists(),
      );

      const page = await service.list(PATIENT_ID, {});

      expect(repository.listByPatient).toHaveBeenCalledWith(
        PATIENT_ID,
        51,
        undefined,
      );
      expect(page.items).toEqual([]);
      expect(page.continuationToken).toBeUndefined();
    });

    it('continues after the last test of the previous page when given its token', async () => {
      const [first, second, third] = testIds(3);
      const { service, repository } = setUp(
        {
          listByPatient: jest
            .fn()
            .mockResolvedValueOnce([storedTest(first), storedTest(second)])
            .mockResolvedValueOnce([storedTest(third)]),
        },
        patientExists(),
      );

      const page1 = await service.list(PATIENT_ID, { limit: 1 });
      const page2 = await service.list(PATIENT_ID, {
        limit: 1,
        continuationToken: page1.continuationToken,
      });

      expect(repository.listByPatient).toHaveBeenLastCalledWith(
        PATIENT_ID,
        2,
        first,
      );
      expect(page2.items).toEqual([storedTest(third)]);
    });

    it('answers 404 PATIENT_NOT_FOUND for an unknown patient, without listing', async () => {
      const { service } = setUp({}, patientMissing());

      await expect(service.list(PATIENT_ID, {})).rejects.toMatchObject({
        code: 'PATIENT_NOT_FOUND',
        status: 404,
      });
    });

    it.each([
      ['garbage', '%%%'],
      ['of the wrong shape', encodeContinuationToken({ after: ['x'] })],
    ])(
      'rejects a continuation token that is %s with INVALID_CONTINUATION_TOKEN, without listing',
      async (_what, token) => {
        const { service } = setUp({}, patientExists());

        await expect(
          service.list(PATIENT_ID, { continuationToken: token }),
        ).rejects.toMatchObject({
          code: 'INVALID_CONTINUATION_TOKEN',
          status: 400,
        });
      },
    );
  });

  describe('get', () => {
    it('returns the test found under the patient and test ids', async () => {
      const stored = storedTest(TEST_ID);
      const { service, repository } = setUp({
        find: jest.fn().mockResolvedValue(stored),
      });

      await expect(service.get(PATIENT_ID, TEST_ID)).resolves.toEqual(stored);
      expect(repository.find).toHaveBeenCalledWith(PATIENT_ID, TEST_ID);
    });

    it('answers 404 TEST_NOT_FOUND when the patient has no such test', async () => {
      const { service } = setUp({
        find: jest.fn().mockResolvedValue(undefined),
      });

      await expect(service.get(PATIENT_ID, TEST_ID)).rejects.toMatchObject({
        code: 'TEST_NOT_FOUND',
        status: 404,
      });
    });
  });
});
