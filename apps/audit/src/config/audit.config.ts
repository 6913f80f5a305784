import {
  commonConfigShape,
  configToken,
  integerVariable,
  parseConfig,
  portVariable,
  secretListVariable,
} from '@app/shared/config';
import { keyVaultVariables, WithoutSecrets } from '@app/shared/key-vault';
import { z } from 'zod';

/** Signed checkpoints of the chain head, kept outside the database (README "Signed checkpoints"). */
const checkpointVariables = {
  CHECKPOINT_KEY_ID: z
    .url({ protocol: /^https$/ })
    .regex(
      /^https:\/\/[^/]+\/keys\/[0-9a-zA-Z-]{1,127}$/,
      'must be a versionless Key Vault key URL: https://<vault>.vault.azure.net/keys/<name>',
    )
    .optional(),
  CHECKPOINT_CONTAINER_URL: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .optional(),
  CHECKPOINT_DIR: z.string().min(1).max(1024).optional(),
  // 0 turns the schedule off (checkpoints on demand only).
  CHECKPOINT_INTERVAL_SECONDS: integerVariable(300, 0, 86400),
};

type CheckpointSettings = {
  [K in keyof typeof checkpointVariables]?: unknown;
};

/**
 * One store at most; the container (the Azure set-up) only with a Key Vault key; a key only with a
 * store. A folder without a key gets a local key file (see LocalKeyCheckpointSigner).
 */
function checkpointRules(config: CheckpointSettings, context: z.RefinementCtx) {
  if (config.CHECKPOINT_CONTAINER_URL && config.CHECKPOINT_DIR) {
    context.addIssue({
      code: 'custom',
      path: ['CHECKPOINT_DIR'],
      message: 'set CHECKPOINT_CONTAINER_URL or CHECKPOINT_DIR, not both',
    });
  }
  if (config.CHECKPOINT_CONTAINER_URL && !config.CHECKPOINT_KEY_ID) {
    context.addIssue({
      code: 'custom',
      path: ['CHECKPOINT_KEY_ID'],
      message: 'is required with CHECKPOINT_CONTAINER_URL',
    });
  }
  if (
    config.CHECKPOINT_KEY_ID &&
    !config.CHECKPOINT_CONTAINER_URL &&
    !config.CHECKPOINT_DIR
  ) {
    context.addIssue({
      code: 'custom',
      path: ['CHECKPOINT_KEY_ID'],
      message:
        'needs CHECKPOINT_CONTAINER_URL or CHECKPOINT_DIR to store checkpoints in',
    });
  }
}

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
    ...checkpointVariables,
    // Where the explorer's page finds the API, when it is not beside the page (API Management
    // publishes the page and the API under two paths of one origin). A path on the page's own origin,
    // so the page's `connect-src 'self'` still holds.
    EXPLORER_API_BASE: z
      .string()
      .max(256)
      .regex(
        /^\/([A-Za-z0-9._~-]+\/)*$/,
        'must be an absolute path on the same origin ending in /, e.g. /audit/api/',
      )
      .optional(),
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
  )
  .superRefine(checkpointRules);

/**
 * The parsed configuration, injected by this class. Without the secret settings (those listed in
 * `keyVaultVariables`): each is its own injectable, e.g. `AuditReaderKeys`.
 */
export abstract class AuditConfig extends configToken<
  WithoutSecrets<z.output<typeof auditConfigSchema>>
>() {}

/** Every variable, secrets included, as checked at start-up; the config module splits the secrets off. */
export const loadAuditConfig = (
  env: Readonly<Record<string, string | undefined>> = process.env,
) => parseConfig(auditConfigSchema, env);
