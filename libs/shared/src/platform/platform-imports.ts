import type { Abstract, DynamicModule, Type } from '@nestjs/common';
import type { ApiKeys } from '../auth/api-keys';
import { AppHost, PLAIN_HTTP_HOST } from '../config/app-host';
import { MongooseModule } from '@nestjs/mongoose';
import { LoggerModule } from 'nestjs-pino';
import {
  AppApiKeys,
  GatewaySecrets,
  MongoDbUri,
} from '../key-vault/platform-secrets';
import { HealthModule } from '../health/health.module';
import { HttpPipelineModule } from '../http/http-pipeline.module';
import { loggerParams, wantsPrettyLogs } from '../logging/logger-params';
import { mongooseOptions } from '../database/mongoose-options';

/**
 * The settings every app's configuration has, that the platform reads. Its secret settings
 * (`MONGODB_URI`, `API_KEYS`, `GATEWAY_SECRET`) are not here: they come from their injectables.
 */
export interface PlatformConfig {
  LOG_LEVEL: string;
  MONGODB_DATABASE: string;
  PUBLIC_API_URL?: string;
}

/** What an app may change in the platform: e.g. audit accepts its reader keys besides `API_KEYS`. */
export interface PlatformOptions {
  /**
   * The injectable holding every key that authenticates a request (default {@link AppApiKeys}, the
   * app's `API_KEYS`); a global provider of the app.
   */
  inboundKeys?: Abstract<ApiKeys>;
  /**
   * True for an app that API Management calls with a Functions host key of its own, forwarding the
   * caller's key in `x-forwarded-functions-key` (audit's read side: terraform/README.md). Default false.
   */
  gatewayForwardsCallerKeys?: boolean;
}

/**
 * The modules every app imports before its features, configured from the app's config token: logging,
 * the database connection, the global request pipeline (keys from Key Vault when it holds them, so a
 * rotation needs no restart) and the health probe. Generic `Idempotency-Key` support
 * (`IdempotencyModule`) is not here: an app that wants it imports it next, before any module whose
 * interceptor must not see a replay (patient-tests' app.module.ts). Audit does without it, because
 * its append keeps its keys itself, in the batch that writes the record: the generic interceptor
 * would cost every append a global interceptor's work for nothing.
 */
export function platformImports(
  configModule: Type,
  configToken: abstract new () => PlatformConfig,
  options: PlatformOptions = {},
): (Type | DynamicModule)[] {
  return [
    configModule,
    LoggerModule.forRootAsync({
      inject: [configToken],
      useFactory: (config: PlatformConfig) =>
        loggerParams({ level: config.LOG_LEVEL, pretty: wantsPrettyLogs() }),
    }),
    MongooseModule.forRootAsync({
      inject: [configToken, MongoDbUri],
      // The URI is read once, here: the driver keeps its pool of connections authenticated with it
      // and mongoose has no way to swap the credential of an open connection. A rotated URI (a
      // regenerated Cosmos DB key) therefore takes effect when the app restarts, as the rotation
      // runbook says (docs/key-vault.md); the app does not reconnect in place.
      useFactory: (config: PlatformConfig, uri: MongoDbUri) =>
        mongooseOptions(uri.current(), config.MONGODB_DATABASE),
    }),
    HttpPipelineModule.forRootAsync({
      inject: [
        options.inboundKeys ?? AppApiKeys,
        GatewaySecrets,
        { token: AppHost, optional: true },
        configToken,
      ],
      useFactory: (
        apiKeys: ApiKeys,
        gatewaySecrets: GatewaySecrets,
        host: AppHost | undefined,
        config: PlatformConfig,
      ) => ({
        apiKeys,
        hostChecksKeys: (host ?? PLAIN_HTTP_HOST).hostChecksKeys,
        gatewayForwardsCallerKeys: options.gatewayForwardsCallerKeys ?? false,
        gatewaySecrets,
        publicApiUrl: config.PUBLIC_API_URL,
      }),
    }),
    HealthModule,
  ];
}
