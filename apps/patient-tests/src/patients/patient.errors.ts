import {
  BadRequestError,
  DomainError,
  NotFoundError,
} from '@app/shared/errors';

export const patientNotFound = () =>
  new NotFoundError('PATIENT_NOT_FOUND', 'No patient has this id.');

export const patientIdMismatch = () =>
  new BadRequestError(
    'PATIENT_ID_MISMATCH',
    'The id in the body differs from the id in the path.',
  );

export const multiplePatientsMatch = () =>
  new DomainError(
    'MULTIPLE_MATCHES',
    412,
    'More than one patient carries this identifier, so the conditional create was not performed.',
  );

/** Another conditional create holds the identifier and its patient is not stored yet. */
export const identifierBeingCreated = () =>
  new DomainError(
    'IDENTIFIER_BEING_CREATED',
    409,
    'Another request is creating the patient with this identifier; retry shortly.',
    { retryAfterSeconds: 1 },
  );
