import { encodeContinuationToken, Page, Versioned } from '@app/shared/http';
import { strictMock } from '@test/strict-mock';
import type {
  CreatePatientDto,
  Patient,
  UpdatePatientDto,
} from './patient.dto';
import { PatientsRepository } from './patients.repository';
import { PatientsService } from './patients.service';

const PATIENT_ID = '0b6f1a52-4c1e-4a8e-9d3b-1f2a3b4c5d6e';
const OTHER_ID = '7d9e8f10-1a2b-4c3d-8e4f-5a6b7c8d9e0f';

/** Ids the server could never have assigned: none may reach the database. */
const fields = (): CreatePatientDto => ({
  firstName: 'Ada',
  lastName: 'Lovelace',
  gender: 'female',
  dateOfBirth: '1815-12-10',
  postCode: '2000',
});

const patient = (id: string, overrides: Partial<Patient> = {}): Patient => ({
  ...fields(),
  id,
  lastUpdated: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

/** Sorted, distinct valid ids, like the repository returns them. */
const ids = (count: number) =>
  Array.from(
    { length: count },
    (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  );

function setUp(stubs: Parameters<typeof strictMock<PatientsRepository>>[0]) {
  const repository = strictMock<PatientsRepository>(stubs);
  return { repository, service: new PatientsService(repository) };
}

/** A repository write that stores what it is given and reports it at `version`. */
const storedAsVersion1 = () =>
  jest.fn((stored: Patient) => Promise.resolve(new Versioned(stored, 1)));
const replacedAsVersion2 = () =>
  jest.fn((stored: Patient) =>
    Promise.resolve({ kind: 'replaced', patient: new Versioned(stored, 2) }),
  );

/** Asserts `value` is an ISO date-time taken between `before` and now. */
function expectFreshTimestamp(value: string, before: number) {
  expect(new Date(value).toISOString()).toBe(value);
  expect(Date.parse(value)).toBeGreaterThanOrEqual(before);
  expect(Date.parse(value)).toBeLessThanOrEqual(Date.now());
}

describe('PatientsService', () => {
  describe('create', () => {
    it('stores the patient under the assigned id with a lastUpdated set by the server, and returns what it stored', async () => {
      const { service, repository } = setUp({ insert: storedAsVersion1() });
      const before = Date.now();

      const { value: created, version } = await service.create(
        PATIENT_ID,
        fields(),
      );

      expect(created).toEqual({
        ...fields(),
        id: PATIENT_ID,
        lastUpdated: expect.any(String),
      });
      expectFreshTimestamp(created.lastUpdated, before);
      expect(repository.insert).toHaveBeenCalledTimes(1);
      expect(repository.insert).toHaveBeenCalledWith(created);
      expect(version).toBe(1);
    });

    it('keeps the server id and lastUpdated even if fields carrying them get past validation', async () => {
      const { service } = setUp({ insert: storedAsVersion1() });
      const before = Date.now();
      const smuggled = {
        ...fields(),
        id: OTHER_ID,
        lastUpdated: '1999-01-01T00:00:00.000Z',
      } as CreatePatientDto;

      const { value: created } = await service.create(PATIENT_ID, smuggled);

      expect(created.id).toBe(PATIENT_ID);
      expectFreshTimestamp(created.lastUpdated, before);
    });

    it('fails when the write fails, instead of answering with a patient that was not stored', async () => {
      const failure = Object.assign(new Error('E11000 duplicate key'), {
        code: 11000,
      });
      const { service } = setUp({
        insert: jest.fn().mockRejectedValue(failure),
      });

      await expect(service.create(PATIENT_ID, fields())).rejects.toBe(failure);
    });
  });

  describe('get', () => {
    it('returns the patient the repository finds under the id', async () => {
      const stored = new Versioned(patient(PATIENT_ID), 3);
      const { service, repository } = setUp({
        findById: jest.fn().mockResolvedValue(stored),
      });

      await expect(service.get(PATIENT_ID)).resolves.toEqual(stored);
      expect(repository.findById).toHaveBeenCalledWith(PATIENT_ID);
    });

    it('answers PATIENT_NOT_FOUND for an id with no patient', async () => {
      const { service } = setUp({
        findById: jest.fn().mockResolvedValue(undefined),
      });

      await expect(service.get(PATIENT_ID)).rejects.toMatchObject({
        code: 'PATIENT_NOT_FOUND',
        status: 404,
      });
    });
  });

  describe('update', () => {
    it('replaces the patient under the path id with a new lastUpdated, ignoring the lastUpdated in the body', async () => {
      const { service, repository } = setUp({ replace: replacedAsVersion2() });
      const before = Date.now();
      const body: UpdatePatientDto = {
        ...fields(),
        postCode: '9999',
        id: PATIENT_ID,
        lastUpdated: '2000-01-01T00:00:00.000Z',
      };

      const { value: updated } = await service.update(PATIENT_ID, body);

      expect(updated).toEqual({
        ...fields(),
        postCode: '9999',
        id: PATIENT_ID,
        lastUpdated: expect.any(String),
      });
      expectFreshTimestamp(updated.lastUpdated, before);
      expect(repository.replace).toHaveBeenCalledWith(updated, undefined);
    });

    it('passes If-Match to the repository as the versions it allows', async () => {
      const { service, repository } = setUp({ replace: replacedAsVersion2() });

      await service.update(PATIENT_ID, fields(), '"4", W/"5", "6"');

      expect(repository.replace).toHaveBeenCalledWith(expect.anything(), {
        any: false,
        versions: [4, 6],
      });
    });

    it('answers PRECONDITION_FAILED when the repository finds the version stale', async () => {
      const { service } = setUp({
        replace: jest.fn().mockResolvedValue({ kind: 'stale' }),
      });

      await expect(
        service.update(PATIENT_ID, fields(), '"1"'),
      ).rejects.toMatchObject({ code: 'PRECONDITION_FAILED', status: 412 });
    });

    it('accepts a body without an id and takes the id from the path', async () => {
      const { service, repository } = setUp({ replace: replacedAsVersion2() });

      const { value: updated } = await service.update(PATIENT_ID, fields());

      expect(updated.id).toBe(PATIENT_ID);
      expect(repository.replace).toHaveBeenCalledWith(
        expect.objectContaining({ id: PATIENT_ID }),
        undefined,
      );
    });

    it('rejects a body id that differs from the path with PATIENT_ID_MISMATCH, without writing', async () => {
      const { service } = setUp({});

      await expect(
        service.update(PATIENT_ID, { ...fields(), id: OTHER_ID }),
      ).rejects.toMatchObject({ code: 'PATIENT_ID_MISMATCH', status: 400 });
    });

    it('answers PATIENT_NOT_FOUND when there is no patient to replace', async () => {
      const { service } = setUp({
        replace: jest.fn().mockResolvedValue({ kind: 'not-found' }),
      });

      await expect(service.update(PATIENT_ID, fields())).rejects.toMatchObject({
        code: 'PATIENT_NOT_FOUND',
        status: 404,
      });
    });
  });

  describe('search', () => {
    it('fetches one more than the limit and answers a full page with a continuation token', async () => {
      const found = ids(4).map((id) => patient(id));
      const { service, repository } = setUp({
        search: jest.fn().mockResolvedValue(found),
      });
      const criteria = { postCode: '2000', gender: 'female' as const };

      const page = await service.search(criteria, { limit: 3 });

      expect(repository.search).toHaveBeenCalledWith(criteria, 4, undefined);
      expect(page).toBeInstanceOf(Page);
      expect(page.items).toEqual(found.slice(0, 3));
      expect(page.continuationToken).toEqual(expect.any(String));
    });

    it('answers the last page without a continuation token', async () => {
      const found = ids(3).map((id) => patient(id));
      const { service } = setUp({
        search: jest.fn().mockResolvedValue(found),
      });

      const page = await service.search({}, { limit: 3 });

      expect(page.items).toEqual(found);
      expect(page.continuationToken).toBeUndefined();
    });

    it('fetches 51 when no limit is given (the default page size is 50)', async () => {
      const { service, repository } = setUp({
        search: jest.fn().mockResolvedValue([]),
      });

      const page = await service.search({}, {});

      expect(repository.search).toHaveBeenCalledWith({}, 51, undefined);
      expect(page.items).toEqual([]);
    });

    it('continues after the last patient of the previous page when given its token', async () => {
      const [first, second, third] = ids(3);
      const { service, repository } = setUp({
        search: jest
          .fn()
          .mockResolvedValueOnce([patient(first), patient(second)])
          .mockResolvedValueOnce([patient(third)]),
      });

      const page1 = await service.search({}, { limit: 1 });
      const page2 = await service.search(
        {},
        { limit: 1, continuationToken: page1.continuationToken },
      );

      expect(repository.search).toHaveBeenLastCalledWith({}, 2, first);
      expect(page2.items).toEqual([patient(third)]);
      expect(page2.continuationToken).toBeUndefined();
    });

    it.each([
      ['not base64url JSON', 'not-a-token!'],
      ['a position of the wrong type', encodeContinuationToken({ after: 1 })],
      [
        'a position with an extra field',
        encodeContinuationToken({ after: PATIENT_ID, skip: 10 }),
      ],
      ['a position of another list', encodeContinuationToken({ d: 'x' })],
    ])(
      'rejects a continuation token that is %s with INVALID_CONTINUATION_TOKEN, without searching',
      async (_what, token) => {
        const { service } = setUp({});

        await expect(
          service.search({}, { continuationToken: token }),
        ).rejects.toMatchObject({
          code: 'INVALID_CONTINUATION_TOKEN',
          status: 400,
        });
      },
    );
  });

  describe('assertExists', () => {
    it('resolves for a stored patient', async () => {
      const { service, repository } = setUp({
        exists: jest.fn().mockResolvedValue(true),
      });

      await expect(service.assertExists(PATIENT_ID)).resolves.toBeUndefined();
      expect(repository.exists).toHaveBeenCalledWith(PATIENT_ID);
    });

    it('answers PATIENT_NOT_FOUND for an unknown patient', async () => {
      const { service } = setUp({
        exists: jest.fn().mockResolvedValue(false),
      });

      await expect(service.assertExists(PATIENT_ID)).rejects.toMatchObject({
        code: 'PATIENT_NOT_FOUND',
        status: 404,
      });
    });
  });

  describe('createUnlessIdentified (FHIR conditional create)', () => {
    const NUMBER = 'INS-1';
    const withNumber = () => ({ ...fields(), insuranceNumber: NUMBER });

    it('answers the patient that already carries the number, without claiming or writing', async () => {
      const existing = new Versioned(patient(OTHER_ID, withNumber()), 4);
      const { service, repository } = setUp({
        query: jest.fn().mockResolvedValue([existing]),
      });
      await expect(
        service.createUnlessIdentified(PATIENT_ID, withNumber()),
      ).resolves.toEqual({ created: false, patient: existing });
      expect(repository.query).toHaveBeenCalledWith(
        { insuranceNumbers: [NUMBER] },
        2,
      );
    });

    it('answers MULTIPLE_MATCHES (412) when two patients carry the number', async () => {
      const { service } = setUp({
        query: jest
          .fn()
          .mockResolvedValue([
            new Versioned(patient(OTHER_ID), 1),
            new Versioned(patient(PATIENT_ID), 1),
          ]),
      });
      await expect(
        service.createUnlessIdentified(PATIENT_ID, withNumber()),
      ).rejects.toMatchObject({ code: 'MULTIPLE_MATCHES', status: 412 });
    });

    it('claims the number, then stores the patient under the assigned id', async () => {
      const { service, repository } = setUp({
        query: jest.fn().mockResolvedValue([]),
        claimIdentifier: jest.fn().mockResolvedValue({ kind: 'claimed' }),
        insert: storedAsVersion1(),
      });
      const result = await service.createUnlessIdentified(
        PATIENT_ID,
        withNumber(),
      );
      expect(result.created).toBe(true);
      expect(result.patient.value).toMatchObject({
        id: PATIENT_ID,
        insuranceNumber: NUMBER,
      });
      expect(repository.claimIdentifier).toHaveBeenCalledWith(
        NUMBER,
        PATIENT_ID,
      );
    });

    it("answers the claimant's patient when a concurrent create holds the claim", async () => {
      const owner = new Versioned(patient(OTHER_ID, withNumber()), 1);
      const { service, repository } = setUp({
        query: jest.fn().mockResolvedValue([]),
        claimIdentifier: jest.fn().mockResolvedValue({
          kind: 'taken',
          patientId: OTHER_ID,
          claimedAt: new Date(),
        }),
        findById: jest.fn().mockResolvedValue(owner),
      });
      await expect(
        service.createUnlessIdentified(PATIENT_ID, withNumber()),
      ).resolves.toEqual({ created: false, patient: owner });
      expect(repository.findById).toHaveBeenCalledWith(OTHER_ID);
    });

    it('releases a claim whose patient now carries another number, and claims again', async () => {
      const moved = new Versioned(
        patient(OTHER_ID, { insuranceNumber: 'INS-2' }),
        2,
      );
      const { service, repository } = setUp({
        query: jest.fn().mockResolvedValue([]),
        claimIdentifier: jest
          .fn()
          .mockResolvedValueOnce({
            kind: 'taken',
            patientId: OTHER_ID,
            claimedAt: new Date(),
          })
          .mockResolvedValueOnce({ kind: 'claimed' }),
        findById: jest.fn().mockResolvedValue(moved),
        releaseIdentifier: jest.fn().mockResolvedValue(undefined),
        insert: storedAsVersion1(),
      });
      const result = await service.createUnlessIdentified(
        PATIENT_ID,
        withNumber(),
      );
      expect(result.created).toBe(true);
      expect(repository.releaseIdentifier).toHaveBeenCalledWith(
        NUMBER,
        OTHER_ID,
      );
    });

    it("releases its own claim when the write fails, and fails with the write's error", async () => {
      const failure = new Error('database down');
      const { service, repository } = setUp({
        query: jest.fn().mockResolvedValue([]),
        claimIdentifier: jest.fn().mockResolvedValue({ kind: 'claimed' }),
        insert: jest.fn().mockRejectedValue(failure),
        releaseIdentifier: jest.fn().mockResolvedValue(undefined),
      });
      await expect(
        service.createUnlessIdentified(PATIENT_ID, withNumber()),
      ).rejects.toBe(failure);
      expect(repository.releaseIdentifier).toHaveBeenCalledWith(
        NUMBER,
        PATIENT_ID,
      );
    });
  });
});
