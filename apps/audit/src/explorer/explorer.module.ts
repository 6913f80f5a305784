import { Module } from '@nestjs/common';
import { ExplorerAssets } from './explorer-assets';
import { ExplorerController } from './explorer.controller';

/** The audit explorer, a page for privacy officers and auditors over the reader-only API. */
@Module({
  controllers: [ExplorerController],
  providers: [ExplorerAssets],
})
export class ExplorerModule {}
