import { resolve } from 'node:path';
import { runMain, writeOpenApiDocument } from '@app/shared';
import {
  createPatientTestsApp,
  PATIENT_TESTS_API,
} from './create-patient-tests-app';

/** `npm run openapi`: writes apps/patient-tests/openapi.json, which Terraform imports into API Management. */
runMain(() =>
  writeOpenApiDocument(
    createPatientTestsApp,
    PATIENT_TESTS_API,
    resolve('apps/patient-tests/openapi.json'),
  ),
);
