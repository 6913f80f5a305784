import { keyVaultConfigModule } from '@app/shared/key-vault';
import { Global, Module } from '@nestjs/common';
import {
  AuditConfig,
  auditConfigSchema,
  loadAuditConfig,
} from './audit.config';

/**
 * Reads the Key Vault secrets (when KEY_VAULT_URI is set) and parses the configuration once, before
 * the app starts; a bad variable or an unreadable secret stops start-up. Provides the configuration
 * (no secret in it) and one injectable per secret setting the platform reads.
 */
@Global()
@Module(
  keyVaultConfigModule(AuditConfig, auditConfigSchema.shape, loadAuditConfig),
)
export class AuditConfigModule {}
