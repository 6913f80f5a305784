import { Controller, Get } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import {
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Connection } from 'mongoose';
import { Public } from '../auth/public.decorator';
import { UnavailableError } from '../errors/domain-error';
import { DATABASE_RETRY_AFTER_SECONDS } from '../database/storage-errors';

const PING_TIMEOUT_MS = 2000;

/** Liveness and readiness in one: 200 when the database answers a ping, 503 when it does not. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  @Public()
  @Get()
  @ApiOkResponse({ description: 'The service and its database answer.' })
  @ApiServiceUnavailableResponse({
    description: 'The database does not answer.',
  })
  async check(): Promise<{ status: 'ok' }> {
    try {
      await this.connection.asPromise();
      await this.connection.db!.admin().ping({ timeoutMS: PING_TIMEOUT_MS });
    } catch (error) {
      throw new UnavailableError(
        'DATABASE_UNAVAILABLE',
        'The database does not answer.',
        DATABASE_RETRY_AFTER_SECONDS,
        error,
      );
    }
    return { status: 'ok' };
  }
}
