import './instrument';
import { runMain } from '@app/shared/platform';
import { PatientTestsConfig } from './config/patient-tests.config';
import { createPatientTestsApp } from './create-patient-tests-app';

/** Plain HTTP entry point for local runs (`nest start patient-tests`). */
runMain(async () => {
  const app = await createPatientTestsApp();
  app.enableShutdownHooks();
  await app.listen({ port: app.get(PatientTestsConfig).PORT, host: '0.0.0.0' });
});
