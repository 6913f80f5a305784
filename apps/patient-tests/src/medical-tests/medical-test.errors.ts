import { BadRequestError, NotFoundError } from '@app/shared/errors';

export const medicalTestNotFound = () =>
  new NotFoundError('TEST_NOT_FOUND', 'The patient has no test with this id.');

export const invalidPatientId = () =>
  new BadRequestError(
    'INVALID_PATIENT_ID',
    'The patient id in the path is not a valid id.',
  );

export const medicalTestPatientMismatch = () =>
  new BadRequestError(
    'PATIENT_ID_MISMATCH',
    'The patientId in the body differs from the patient id in the path.',
  );
