import { Public } from '@app/shared/http';
import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ExplorerAssets } from './explorer-assets';
import { sendAsset, sendPage } from './explorer-headers';

/**
 * The audit explorer's page and its static files. Public, because they hold no data: the page asks for
 * a reader key and every record it shows comes from the reader-only API routes, with that key in a
 * header. Not part of the API document: it is a page for people, not an operation for clients.
 */
@ApiExcludeController()
@Controller('explorer')
export class ExplorerController {
  constructor(private readonly assets: ExplorerAssets) {}

  @Get()
  @Public()
  page(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Buffer | FastifyReply {
    return sendPage(request, reply, this.assets.get('index.html'));
  }

  @Get(':file')
  @Public()
  file(
    @Param('file') file: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Buffer {
    return sendAsset(reply, this.assets.get(file));
  }
}
