import { resolve } from 'node:path';
import { runMain, writeOpenApiDocument } from '@app/shared';
import { AUDIT_API, createAuditApp } from './create-audit-app';

/** `npm run openapi`: writes apps/audit/openapi.json from the code. */
runMain(() =>
  writeOpenApiDocument(
    createAuditApp,
    AUDIT_API,
    resolve('apps/audit/openapi.json'),
  ),
);
