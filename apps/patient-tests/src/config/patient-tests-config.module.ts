import { Global, Module } from '@nestjs/common';
import {
  loadPatientTestsConfig,
  PatientTestsConfig,
} from './patient-tests.config';

/** Parses the environment once, when the app starts; a bad variable stops start-up. */
@Global()
@Module({
  providers: [
    { provide: PatientTestsConfig, useFactory: () => loadPatientTestsConfig() },
  ],
  exports: [PatientTestsConfig],
})
export class PatientTestsConfigModule {}
