import type { Type } from '@nestjs/common';
import { createControllerApp, strictProviderMock } from '@test/controller-app';
import { describePipelineCases, PipelineRoute } from '@test/pipeline-cases';
import { auditAccepts, auditProviders } from '@test/patient-tests-audit';
import { samplePatient, sampleTest } from '@test/samples';
import { MedicalTestsController } from './medical-tests/medical-tests.controller';
import { MedicalTestsService } from './medical-tests/medical-tests.service';
import { PatientsController } from './patients/patients.controller';
import { PatientsService } from './patients/patients.service';

// The global pipeline's cases (test/support/pipeline-cases.ts), once for every route of the JSON API.

const PATIENT_ID = '0b6f1a52-4c1e-4a8e-9d3b-1f2a3b4c5d6e';
const TEST_ID = 'c3a1e2d4-5b6f-4a7b-8c9d-0e1f2a3b4c5d';

/** Boots `controller` with its `service` a strict mock with nothing stubbed, and audit accepting. */
const booting = (controller: Type, service: Type) => async () => {
  const record = auditAccepts();
  const app = await createControllerApp(controller, [
    { provide: service, useValue: strictProviderMock() },
    ...auditProviders(record),
  ]);
  return { app, record };
};

const patients = { boot: booting(PatientsController, PatientsService) };
const medicalTests = {
  boot: booting(MedicalTestsController, MedicalTestsService),
};

const ROUTES: PipelineRoute[] = [
  { ...patients, method: 'POST', url: '/api/patient', body: samplePatient },
  {
    ...patients,
    method: 'GET',
    url: `/api/patient/${PATIENT_ID}`,
    malformedIds: [
      {
        url: '/api/patient/not-a-uuid',
        status: 404,
        code: 'PATIENT_NOT_FOUND',
      },
    ],
  },
  {
    ...patients,
    method: 'PUT',
    url: `/api/patient/${PATIENT_ID}`,
    body: () => ({ ...samplePatient(), id: PATIENT_ID }),
    malformedIds: [
      {
        url: '/api/patient/not-a-uuid',
        status: 404,
        code: 'PATIENT_NOT_FOUND',
      },
    ],
  },
  {
    ...patients,
    method: 'POST',
    url: '/api/patient/search',
    body: () => ({}),
    paged: true,
  },
  {
    ...medicalTests,
    method: 'POST',
    url: `/api/patient/${PATIENT_ID}/tests`,
    body: sampleTest,
    malformedIds: [
      {
        url: '/api/patient/not-a-uuid/tests',
        status: 400,
        code: 'INVALID_PATIENT_ID',
      },
    ],
  },
  {
    ...medicalTests,
    method: 'GET',
    url: `/api/patient/${PATIENT_ID}/tests`,
    paged: true,
    malformedIds: [
      {
        url: '/api/patient/not-a-uuid/tests',
        status: 404,
        code: 'PATIENT_NOT_FOUND',
      },
    ],
  },
  {
    ...medicalTests,
    method: 'GET',
    url: `/api/patient/${PATIENT_ID}/tests/${TEST_ID}`,
    malformedIds: [
      {
        url: `/api/patient/${PATIENT_ID}/tests/not-a-uuid`,
        status: 404,
        code: 'TEST_NOT_FOUND',
      },
      {
        url: `/api/patient/not-a-uuid/tests/${TEST_ID}`,
        status: 404,
        code: 'TEST_NOT_FOUND',
      },
    ],
  },
];

describePipelineCases(
  'the global pipeline, on every route of the patient-tests JSON API',
  ROUTES,
);
