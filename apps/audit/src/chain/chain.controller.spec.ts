import { StaticApiKeys } from '@app/shared/http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  createControllerApp,
  expectProblem,
  send,
  strictProviderMock,
  TEST_API_KEY,
} from '@test/controller-app';
import { AuditRoleKeys } from '../access/audit-role';
import { AuditRoleGuard } from '../access/audit-role.guard';
import { ChainController } from './chain.controller';
import { ChainVerificationService } from './chain-verification.service';
import { CheckpointsService } from './checkpoints.service';

const APPEND_KEY = 'unit-append-key-0123456789';
const READER_KEY = 'unit-reader-key-0123456789';

const ROUTES = [
  ['GET', '/api/auditrecord/verify'],
  ['GET', '/api/auditrecord/export'],
  ['POST', '/api/auditrecord/checkpoints'],
  ['GET', '/api/auditrecord/checkpoints/latest'],
] as const;

describe('ChainController (one controller, global pipeline): roles', () => {
  let app: NestFastifyApplication | undefined;

  async function boot() {
    const verification = strictProviderMock<ChainVerificationService>({
      verify: jest.fn().mockResolvedValue({ valid: true }),
      export: jest.fn().mockResolvedValue({ records: [] }),
    });
    const checkpoints = strictProviderMock<CheckpointsService>({
      create: jest.fn().mockResolvedValue({ sequence: 1 }),
      latest: jest.fn().mockResolvedValue({ sequence: 1 }),
    });
    app = await createControllerApp(
      ChainController,
      [
        { provide: ChainVerificationService, useValue: verification },
        { provide: CheckpointsService, useValue: checkpoints },
        {
          provide: AuditRoleKeys,
          useValue: new AuditRoleKeys({
            append: new StaticApiKeys([APPEND_KEY]),
            reader: new StaticApiKeys([READER_KEY]),
          }),
        },
        AuditRoleGuard,
      ],
      { apiKeys: [TEST_API_KEY, APPEND_KEY, READER_KEY] },
    );
    return { app, verification, checkpoints };
  }

  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it.each(ROUTES)(
    'answers 403 FORBIDDEN to the append key for %s %s, without touching the services',
    async (method, url) => {
      const { app, verification, checkpoints } = await boot();

      const response = await send(app, { method, url, key: APPEND_KEY });

      expectProblem(response, 403, 'FORBIDDEN');
      expect(verification.verify).not.toHaveBeenCalled();
      expect(verification.export).not.toHaveBeenCalled();
      expect(checkpoints.create).not.toHaveBeenCalled();
      expect(checkpoints.latest).not.toHaveBeenCalled();
    },
  );

  it.each(ROUTES)('lets a reader key through to %s %s', async (method, url) => {
    const { app } = await boot();

    const response = await send(app, { method, url, key: READER_KEY });

    expect(response.status).toBeLessThan(300);
  });
});
