import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { MongooseModule } from '@nestjs/mongoose';
import {
  IDEMPOTENCY_RECORD_MODEL,
  IdempotencyRecordSchema,
} from './idempotency-record.schema';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyStore } from './idempotency.store';

/**
 * `Idempotency-Key` support for routes marked `@Idempotent()`, stored in the app's own database.
 * Import it after HttpPipelineModule and before any module whose interceptor must not see replays.
 */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: IDEMPOTENCY_RECORD_MODEL, schema: IdempotencyRecordSchema },
    ]),
  ],
  providers: [
    IdempotencyStore,
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
})
export class IdempotencyModule {}
