/** The two services, each with a store and a credential of its own. */
export type Service = 'patient-tests' | 'audit';

/** Where the e2e global setup publishes each service's connection string to the test files. */
export const E2E_DATABASE_VARIABLES: Readonly<Record<Service, string>> = {
  'patient-tests': 'E2E_PATIENT_TESTS_MONGODB_URI',
  audit: 'E2E_AUDIT_MONGODB_URI',
};

/** The connection string (credential included) of `service`'s store, as the e2e global setup chose it. */
export function databaseUri(service: Service): string {
  const uri = process.env[E2E_DATABASE_VARIABLES[service]];
  if (!uri) {
    throw new Error(
      `${E2E_DATABASE_VARIABLES[service]} is not set: run e2e tests through jest --selectProjects e2e`,
    );
  }
  return uri;
}
