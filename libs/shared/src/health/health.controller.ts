import { Controller, Get } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Connection } from 'mongoose';
import { Public } from '../auth/public.decorator';
import { UnavailableError } from '../errors/domain-error';
import { DATABASE_RETRY_AFTER_SECONDS } from '../database/storage-errors';
import { HEALTH_ROUTE } from '../http/constants';
import { ApiPublicProblemResponses } from '../openapi/problem-responses.decorator';
import { responseHeaders } from '../openapi/response-headers';

const PING_TIMEOUT_MS = 2000;

/** Liveness and readiness in one: 200 when the database answers a ping, 503 when it does not. */
@ApiTags('health')
@Controller(HEALTH_ROUTE)
export class HealthController {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  @Public()
  @Get()
  @ApiOkResponse({
    description: 'The service and its database answer.',
    headers: responseHeaders(),
    schema: {
      type: 'object',
      required: ['status'],
      properties: { status: { type: 'string', enum: ['ok'] } },
      additionalProperties: false,
    },
  })
  @ApiPublicProblemResponses()
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
