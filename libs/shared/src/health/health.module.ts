import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';

/** `GET /api/health`, without a key, for probes and `make dev`. */
@Module({ controllers: [HealthController] })
export class HealthModule {}
