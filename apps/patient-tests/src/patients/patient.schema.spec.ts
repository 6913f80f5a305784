import { PatientSchema, toPatient, toPatientDocument } from './patient.schema';

const patient = {
  id: '9f0c1a43-5b7e-4d2a-8c1e-2f3a4b5c6d7e',
  firstName: 'Ada',
  gender: 'female' as const,
  dateOfBirth: '1815-12-10',
  postCode: '2000',
  insuranceNumber: 'X1',
  lastUpdated: '2026-01-02T03:04:05.000Z',
};

describe('the stored patient, derived from the zod schema', () => {
  it('requires exactly the fields the API requires, and only the known genders', () => {
    const required = Object.entries(PatientSchema.paths)
      .filter(([, path]) => path.isRequired)
      .map(([name]) => name)
      .sort();
    expect(required).toEqual(
      [
        '_id',
        '_shardKey',
        '_version',
        'dateOfBirth',
        'firstName',
        'gender',
        'lastUpdated',
        'postCode',
      ].sort(),
    );
    expect(
      (PatientSchema.path('gender') as unknown as { enumValues: string[] })
        .enumValues,
    ).toEqual(['male', 'female', 'other', 'unknown']);
    expect(Object.keys(PatientSchema.paths)).toEqual(
      expect.arrayContaining([
        'lastName',
        'fullName',
        'preferredContactNumber',
      ]),
    );
  });

  it('round-trips a patient, and keeps storage fields out of the API shape', () => {
    const doc = toPatientDocument(patient);
    expect(doc).toMatchObject({
      _id: patient.id,
      _shardKey: patient.id,
      _version: 1,
    });
    expect(toPatient({ ...doc, _version: 7 })).toStrictEqual(patient);
  });
});
