import {
  commonConfigShape,
  configToken,
  keyVaultVariables,
  parseConfig,
  portVariable,
  secretListVariable,
} from '@app/shared';
import { z } from 'zod';

/** Every environment variable the audit app reads; this schema is the one list. */
export const auditConfigSchema = z
  .object({
    ...commonConfigShape,
    ...keyVaultVariables({
      MONGODB_URI: 'mongodb-uri',
      API_KEYS: 'audit-api-keys',
      AUDIT_READER_KEYS: 'audit-reader-keys',
      GATEWAY_SECRET: null,
    }),
    // Auditors' keys: they may list, query and verify the register, never append to it. Empty: nobody
    // can read it (API_KEYS, the keys patient-tests holds, may only append).
    AUDIT_READER_KEYS: secretListVariable,
    PORT: portVariable(7072),
    MONGODB_DATABASE: z.string().min(1).max(63).default('audit'),
  })
  // Unlike patient-tests, audit needs its key lists inside Azure Functions too: the host checks that a
  // request has *some* function key, but only these lists say whether it may append or read.
  .refine((config) => config.API_KEYS.length > 0, {
    path: ['API_KEYS'],
    message:
      'must list at least one key (comma-separated): the keys that may append records',
    when: (payload) =>
      !payload.issues.some((issue) => issue.path?.[0] === 'API_KEYS'),
  })
  // One key in both lists would make a reader able to append (or the writer able to read).
  .refine(
    (config) =>
      !config.AUDIT_READER_KEYS.some((key) => config.API_KEYS.includes(key)),
    {
      path: ['AUDIT_READER_KEYS'],
      message: 'must not contain a key that is also in API_KEYS',
      when: (payload) =>
        !payload.issues.some(
          (issue) =>
            issue.path?.[0] === 'API_KEYS' ||
            issue.path?.[0] === 'AUDIT_READER_KEYS',
        ),
    },
  );

/** The parsed configuration, injected by this class. */
export abstract class AuditConfig extends configToken<
  z.output<typeof auditConfigSchema>
>() {}

export const loadAuditConfig = (
  env: Readonly<Record<string, string | undefined>> = process.env,
): AuditConfig => parseConfig(auditConfigSchema, env);
