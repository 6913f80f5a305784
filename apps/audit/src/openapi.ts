import { resolve } from 'node:path';
import { writeOpenApiDocument } from '@app/shared/openapi';
import { runMain } from '@app/shared/platform';
import { AUDIT_API, createAuditApp } from './create-audit-app';

/** `npm run openapi`: writes apps/audit/openapi.json from the code. */
runMain(() =>
  writeOpenApiDocument(
    createAuditApp,
    AUDIT_API,
    resolve('apps/audit/openapi.json'),
    ['API_KEYS'],
  ),
);
