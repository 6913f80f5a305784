import {
  commonConfigShape,
  configToken,
  keyVaultVariables,
  parseConfig,
  portVariable,
  requireApiKeysOutsideFunctions,
} from '@app/shared';
import { z } from 'zod';

/** Every environment variable the audit app reads; this schema is the one list. */
export const auditConfigSchema = z
  .object({
    ...commonConfigShape,
    ...keyVaultVariables({
      MONGODB_URI: 'mongodb-uri',
      API_KEYS: 'audit-api-keys',
    }),
    PORT: portVariable(7072),
    MONGODB_DATABASE: z.string().min(1).max(63).default('audit'),
  })
  .refine(...requireApiKeysOutsideFunctions);

/** The parsed configuration, injected by this class. */
export abstract class AuditConfig extends configToken<
  z.output<typeof auditConfigSchema>
>() {}

export const loadAuditConfig = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): AuditConfig => parseConfig(auditConfigSchema, env);
