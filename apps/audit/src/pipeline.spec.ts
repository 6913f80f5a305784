import { StaticApiKeys } from '@app/shared/http';
import type { Provider, Type } from '@nestjs/common';
import {
  createControllerApp,
  strictProviderMock,
  TEST_API_KEY,
} from '@test/controller-app';
import { describePipelineCases, PipelineRoute } from '@test/pipeline-cases';
import { AuditRole, AuditRoleKeys } from './access/audit-role';
import { AuditRoleGuard } from './access/audit-role.guard';
import { AuditRecordsController } from './audit-records/audit-records.controller';
import { AuditRecordsService } from './audit-records/audit-records.service';
import { ChainController } from './chain/chain.controller';
import { ChainVerificationService } from './chain/chain-verification.service';
import { CheckpointsService } from './chain/checkpoints.service';

// The global pipeline's cases (test/support/pipeline-cases.ts), once for every keyed route of the
// audit API. TEST_API_KEY holds the role of the route under test, so the role guard lets every case
// through to the pipeline.

/** Boots `controller` with its services strict mocks with nothing stubbed, TEST_API_KEY in `role`. */
const booting =
  (controller: Type, services: Type[], role: AuditRole) => async () => {
    const providers: Provider[] = [
      ...services.map((service) => ({
        provide: service,
        useValue: strictProviderMock(),
      })),
      {
        provide: AuditRoleKeys,
        useValue: new AuditRoleKeys({
          append: new StaticApiKeys(role === 'append' ? [TEST_API_KEY] : []),
          reader: new StaticApiKeys(role === 'reader' ? [TEST_API_KEY] : []),
        }),
      },
      AuditRoleGuard,
    ];
    return { app: await createControllerApp(controller, providers) };
  };

const appendRecords = {
  boot: booting(AuditRecordsController, [AuditRecordsService], 'append'),
};
const readRecords = {
  boot: booting(AuditRecordsController, [AuditRecordsService], 'reader'),
};
const chain = {
  boot: booting(
    ChainController,
    [ChainVerificationService, CheckpointsService],
    'reader',
  ),
};

// The cases never reach validation (they are answered before it), so any JSON object serves.
const auditBody = () => ({ sourceSystemName: 'patient-tests' });

const ROUTES: PipelineRoute[] = [
  {
    ...appendRecords,
    method: 'POST',
    url: '/api/auditrecord',
    body: auditBody,
  },
  { ...readRecords, method: 'GET', url: '/api/auditrecord', paged: true },
  { ...chain, method: 'GET', url: '/api/auditrecord/verify' },
  { ...chain, method: 'GET', url: '/api/auditrecord/export' },
  { ...chain, method: 'POST', url: '/api/auditrecord/checkpoints' },
  { ...chain, method: 'GET', url: '/api/auditrecord/checkpoints/latest' },
];

describePipelineCases(
  'the global pipeline, on every keyed route of the audit API',
  ROUTES,
);
