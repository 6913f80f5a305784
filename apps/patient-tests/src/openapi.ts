import { resolve } from 'node:path';
import { writeOpenApiDocument } from '@app/shared/openapi';
import { runMain } from '@app/shared/platform';
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
    ['API_KEYS', 'AUDIT_API_KEY'],
  ),
);
