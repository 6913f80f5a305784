import { BadRequestError, NotFoundError } from '@app/shared/errors';

export const patientNotFound = () =>
  new NotFoundError('PATIENT_NOT_FOUND', 'No patient has this id.');

export const patientIdMismatch = () =>
  new BadRequestError(
    'PATIENT_ID_MISMATCH',
    'The id in the body differs from the id in the path.',
  );
