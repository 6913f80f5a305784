import { Module } from '@nestjs/common';
import { AuditConfig } from '../config/audit.config';
import { builtPageDirectories, ExplorerAssets } from './explorer-assets';
import { ExplorerController } from './explorer.controller';

/** The audit explorer, a page for privacy officers and auditors over the reader-only API. */
@Module({
  controllers: [ExplorerController],
  providers: [
    {
      provide: ExplorerAssets,
      inject: [AuditConfig],
      useFactory: (config: AuditConfig) =>
        new ExplorerAssets(builtPageDirectories(), config.EXPLORER_API_BASE),
    },
  ],
})
export class ExplorerModule {}
