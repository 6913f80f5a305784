import { keyVaultConfigModule } from '@app/shared/key-vault';
import { Global, Module } from '@nestjs/common';
import {
  loadPatientTestsConfig,
  PatientTestsConfig,
  patientTestsConfigSchema,
} from './patient-tests.config';

/**
 * Reads the Key Vault secrets (when KEY_VAULT_URI is set) and parses the configuration once, before
 * the app starts; a bad variable or an unreadable secret stops start-up. Provides the configuration
 * (no secret in it) and one injectable per secret setting the platform reads.
 */
@Global()
@Module(
  keyVaultConfigModule(
    PatientTestsConfig,
    patientTestsConfigSchema.shape,
    loadPatientTestsConfig,
  ),
)
export class PatientTestsConfigModule {}
