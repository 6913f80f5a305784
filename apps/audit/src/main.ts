import './instrument';
import { runMain } from '@app/shared/platform';
import { AuditConfig } from './config/audit.config';
import { createAuditApp } from './create-audit-app';

/** Plain HTTP entry point for local runs (`nest start audit`). */
runMain(async () => {
  const app = await createAuditApp();
  app.enableShutdownHooks();
  await app.listen({ port: app.get(AuditConfig).PORT, host: '0.0.0.0' });
});
