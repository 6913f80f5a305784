import {
  ApiProblemResponses,
  FUNCTION_KEY_HEADER_SCHEME,
  FUNCTION_KEY_QUERY_SCHEME,
  responseHeaders,
} from '@app/shared/openapi';
import { Controller, Get, Post, Query, UseGuards } from '@nestjs/common';
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
import { RequiresRole } from '../access/audit-role';
import { AuditRoleGuard } from '../access/audit-role.guard';

/** The register's integrity, for auditors: verification, signed checkpoints and the chain export. */
@ApiTags('audit chain')
@ApiSecurity(FUNCTION_KEY_HEADER_SCHEME)
@ApiSecurity(FUNCTION_KEY_QUERY_SCHEME)
@Controller('auditrecord')
// Auditors' routes: every one needs a reader key; the append key patient-tests holds gets 403.
@UseGuards(AuditRoleGuard)
export class ChainController {
  constructor(
    private readonly verification: ChainVerificationService,
    private readonly checkpoints: CheckpointsService,
  ) {}

  @Get('verify')
  @RequiresRole('reader')
  @ApiOkResponse({
    type: ChainVerificationDto,
    description:
      'Whether the hash chain is intact in the range (at most 10,000 records per call) and matches the newest signed checkpoint.',
    headers: responseHeaders(),
  })
  @ApiProblemResponses(400, 403)
  verify(@Query() query: VerifyQueryDto): Promise<ChainVerification> {
    return this.verification.verify(query);
  }

  @Get('export')
  @RequiresRole('reader')
  @ApiOkResponse({
    type: ChainExportDto,
    description: 'Records in chain order, for `npm run audit:verify`.',
    headers: responseHeaders(),
  })
  @ApiProblemResponses(400, 403)
  export(@Query() query: ExportQueryDto): Promise<ChainExport> {
    return this.verification.export(query);
  }

  @Post('checkpoints')
  @RequiresRole('reader')
  @ApiCreatedResponse({
    type: CheckpointDto,
    description:
      'The head signed and stored outside the database now (or the newest checkpoint, when it already has the head).',
    headers: responseHeaders(),
  })
  @ApiProblemResponses(403, 409)
  createCheckpoint(): Promise<Checkpoint> {
    return this.checkpoints.create();
  }

  @Get('checkpoints/latest')
  @RequiresRole('reader')
  @ApiOkResponse({ type: CheckpointDto, headers: responseHeaders() })
  @ApiProblemResponses(403, 404, 409)
  latestCheckpoint(): Promise<Checkpoint> {
    return this.checkpoints.latest();
  }
}
