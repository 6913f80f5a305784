import {
  ApiProblemResponses,
  FUNCTION_KEY_HEADER_SCHEME,
  FUNCTION_KEY_QUERY_SCHEME,
  responseHeaders,
} from '@app/shared';
import { Controller, Get, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import {
  ChainExport,
  ChainExportDto,
  ChainVerification,
  ChainVerificationDto,
  CheckpointDto,
  ExportQueryDto,
  VerifyQueryDto,
} from './chain.dto';
import { ChainVerificationService } from './chain-verification.service';
import type { Checkpoint } from './checkpoint';
import { CheckpointsService } from './checkpoints.service';

/** The register's integrity, for auditors: verification, signed checkpoints and the chain export. */
@ApiTags('audit chain')
@ApiSecurity(FUNCTION_KEY_HEADER_SCHEME)
@ApiSecurity(FUNCTION_KEY_QUERY_SCHEME)
@Controller('auditrecord')
export class ChainController {
  constructor(
    private readonly verification: ChainVerificationService,
    private readonly checkpoints: CheckpointsService,
  ) {}

  @Get('verify')
  @ApiOkResponse({
    type: ChainVerificationDto,
    description:
      'Whether the hash chain is intact in the range (at most 10,000 records per call) and matches the newest signed checkpoint.',
    headers: responseHeaders(),
  })
  @ApiProblemResponses(400)
  verify(@Query() query: VerifyQueryDto): Promise<ChainVerification> {
    return this.verification.verify(query);
  }

  @Get('export')
  @ApiOkResponse({
    type: ChainExportDto,
    description: 'Records in chain order, for `npm run audit:verify`.',
    headers: responseHeaders(),
  })
  @ApiProblemResponses(400)
  export(@Query() query: ExportQueryDto): Promise<ChainExport> {
    return this.verification.export(query);
  }

  @Post('checkpoints')
  @ApiCreatedResponse({
    type: CheckpointDto,
    description:
      'The head signed and stored outside the database now (or the newest checkpoint, when it already has the head).',
    headers: responseHeaders(),
  })
  @ApiProblemResponses(409)
  createCheckpoint(): Promise<Checkpoint> {
    return this.checkpoints.create();
  }

  @Get('checkpoints/latest')
  @ApiOkResponse({ type: CheckpointDto, headers: responseHeaders() })
  @ApiProblemResponses(404, 409)
  latestCheckpoint(): Promise<Checkpoint> {
    return this.checkpoints.latest();
  }
}
