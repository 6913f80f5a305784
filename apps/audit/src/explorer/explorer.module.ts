import { Module } from '@nestjs/common';
import { builtPageDirectories, ExplorerAssets } from './explorer-assets';
import { ExplorerController } from './explorer.controller';

/** The audit explorer, a page for privacy officers and auditors over the reader-only API. */
@Module({
  controllers: [ExplorerController],
  providers: [
    {
      provide: ExplorerAssets,
      useFactory: () => new ExplorerAssets(builtPageDirectories()),
    },
  ],
})
export class ExplorerModule {}
