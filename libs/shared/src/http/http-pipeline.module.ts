import { ConfigurableModuleBuilder, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { ZodValidationPipe } from 'nestjs-zod';
import { ApiKeyGuard, ApiKeyGuardOptions } from '../auth/api-key.guard';
import { ApiKeys } from '../auth/api-keys';
import { LocationOptions } from './location';
import { ProblemFilter } from './problem.filter';
import { WellFormedInputGuard } from './well-formed-input.guard';

export interface HttpPipelineOptions {
  /** Where the accepted inbound keys come from (environment or Key Vault). */
  apiKeys: ApiKeys;
  /** True inside Azure Functions: an empty key list then defers to the host's function keys. */
  hostChecksKeys: boolean;
  /** The secrets that prove a request came through API Management (`GATEWAY_SECRET`). */
  gatewaySecrets: ApiKeys;
  /** See `ApiKeyGuardOptions.gatewayForwardsCallerKeys`; default false. */
  gatewayForwardsCallerKeys?: boolean;
  /** The URL clients reach the API at (`PUBLIC_API_URL`): `Location` headers are absolute on it when set. */
  publicApiUrl?: string;
}

const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN } =
  new ConfigurableModuleBuilder<HttpPipelineOptions>()
    .setClassMethodName('forRoot')
    .build();

/**
 * The global request pipeline every app shares: API key guard, well-formed input (no lone surrogates,
 * bounded nesting), zod validation and problem+json errors. Registered as APP_* providers so the plain
 * HTTP host, the Azure Functions host and `Test.createTestingModule` all run exactly the same
 * pipeline. The headers of handlers' result types (Page, Location, ETag, Replayed) are set by
 * `sendResults`, a Fastify hook that `configureApp` adds, from this module's `LocationOptions`.
 */
@Module({
  providers: [
    {
      provide: ApiKeys,
      useFactory: (o: HttpPipelineOptions) => o.apiKeys,
      inject: [MODULE_OPTIONS_TOKEN],
    },
    {
      provide: ApiKeyGuardOptions,
      useFactory: (o: HttpPipelineOptions): ApiKeyGuardOptions => ({
        hostChecksKeys: o.hostChecksKeys,
        gatewaySecrets: o.gatewaySecrets,
        gatewayForwardsCallerKeys: o.gatewayForwardsCallerKeys ?? false,
      }),
      inject: [MODULE_OPTIONS_TOKEN],
    },
    {
      provide: LocationOptions,
      useFactory: (o: HttpPipelineOptions): LocationOptions => ({
        publicApiUrl: o.publicApiUrl,
      }),
      inject: [MODULE_OPTIONS_TOKEN],
    },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
    { provide: APP_GUARD, useClass: WellFormedInputGuard },
    { provide: APP_PIPE, useClass: ZodValidationPipe },
    { provide: APP_FILTER, useClass: ProblemFilter },
  ],
  exports: [ApiKeys],
})
export class HttpPipelineModule extends ConfigurableModuleClass {}
