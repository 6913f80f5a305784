import {
  KeyVaultSecrets,
  keyVaultConfigProviders,
} from '@app/shared/key-vault';
import { Global, Module } from '@nestjs/common';
import {
  loadPatientTestsConfig,
  PatientTestsConfig,
  patientTestsConfigSchema,
} from './patient-tests.config';

/**
 * Reads the Key Vault secrets (when KEY_VAULT_URI is set) and parses the configuration once, before
 * the app starts; a bad variable or an unreadable secret stops start-up.
 */
@Global()
@Module({
  providers: keyVaultConfigProviders(
    PatientTestsConfig,
    patientTestsConfigSchema.shape,
    loadPatientTestsConfig,
  ),
  exports: [PatientTestsConfig, KeyVaultSecrets],
})
export class PatientTestsConfigModule {}
