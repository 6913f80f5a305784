import type { DynamicModule, NestInterceptor, Type } from '@nestjs/common';
import type { ApiKeys } from '../auth/api-keys';
import { AppHost, PLAIN_HTTP_HOST } from '../config/app-host';
import { MongooseModule } from '@nestjs/mongoose';
import { LoggerModule } from 'nestjs-pino';
import { apiKeysFrom } from '../key-vault/key-vault-api-keys';
import { KeyVaultSecrets } from '../key-vault/key-vault-secrets';
import { HealthModule } from '../health/health.module';
import {
  HttpPipelineModule,
  PIPELINE_INTERCEPTORS,
} from '../http/http-pipeline.module';
import { IdempotencyInterceptor } from '../idempotency/idempotency.interceptor';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { loggerParams, wantsPrettyLogs } from '../logging/logger-params';
import { mongooseOptions } from '../database/mongoose-options';

/**
 * The global interceptors `platformImports` registers, outermost first: the pipeline's, then
 * idempotency. An app's own global interceptors come after these (its feature modules are imported
 * after `platformImports`), so a replayed create never reaches them; each app pins its whole order
 * in a test.
 */
export const PLATFORM_INTERCEPTORS: readonly Type<NestInterceptor>[] = [
  ...PIPELINE_INTERCEPTORS,
  IdempotencyInterceptor,
];

/** The settings every app's configuration has (from `commonConfigShape`), that the platform reads. */
export interface PlatformConfig {
  LOG_LEVEL: string;
  MONGODB_URI: string;
  MONGODB_DATABASE: string;
  API_KEYS: string[];
  GATEWAY_SECRET: string[];
}

/** What an app may change in the platform: e.g. audit accepts its reader keys besides `API_KEYS`. */
export interface PlatformOptions<C extends PlatformConfig> {
  /** Every key that authenticates a request (default: `API_KEYS`, from Key Vault when it holds them). */
  inboundKeys?: (config: C, secrets: KeyVaultSecrets) => ApiKeys;
  /**
   * True for an app that API Management calls with a Functions host key of its own, forwarding the
   * caller's key in `x-forwarded-functions-key` (audit's read side: terraform/README.md). Default false.
   */
  gatewayForwardsCallerKeys?: boolean;
}

/**
 * The modules every app imports before its features, configured from the app's config token: logging,
 * the database connection, the global request pipeline (keys from Key Vault when it holds them, so a
 * rotation needs no restart), the health probe, and idempotency, which must come before the feature
 * modules so a replayed create never reaches their interceptors (audit).
 */
export function platformImports<C extends PlatformConfig>(
  configModule: Type,
  configToken: abstract new () => C,
  options: PlatformOptions<C> = {},
): (Type | DynamicModule)[] {
  const inboundKeys =
    options.inboundKeys ??
    ((config: C, secrets: KeyVaultSecrets) =>
      apiKeysFrom(secrets, config.API_KEYS));
  return [
    configModule,
    LoggerModule.forRootAsync({
      inject: [configToken],
      useFactory: (config: PlatformConfig) =>
        loggerParams({ level: config.LOG_LEVEL, pretty: wantsPrettyLogs() }),
    }),
    MongooseModule.forRootAsync({
      inject: [configToken],
      useFactory: (config: PlatformConfig) =>
        mongooseOptions(config.MONGODB_URI, config.MONGODB_DATABASE),
    }),
    HttpPipelineModule.forRootAsync({
      inject: [
        configToken,
        KeyVaultSecrets,
        { token: AppHost, optional: true },
      ],
      useFactory: (
        config: C,
        secrets: KeyVaultSecrets,
        host: AppHost | undefined,
      ) => ({
        apiKeys: inboundKeys(config, secrets),
        hostChecksKeys: (host ?? PLAIN_HTTP_HOST).hostChecksKeys,
        gatewayForwardsCallerKeys: options.gatewayForwardsCallerKeys ?? false,
        gatewaySecrets: apiKeysFrom(
          secrets,
          config.GATEWAY_SECRET,
          'GATEWAY_SECRET',
        ),
      }),
    }),
    HealthModule,
    IdempotencyModule,
  ];
}
