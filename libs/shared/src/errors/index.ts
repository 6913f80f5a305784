// `@app/shared/errors`: domain errors with stable codes, which features throw and the HTTP pipeline
// turns into problem+json. No Nest here, so services and repositories depend on nothing web-shaped.
export {
  BadRequestError,
  DomainError,
  NotFoundError,
  UnavailableError,
} from './domain-error';
