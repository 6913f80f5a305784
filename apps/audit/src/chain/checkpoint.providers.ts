import type { TokenCredential } from '@azure/identity';
import { Logger, Provider } from '@nestjs/common';
import { AuditConfig } from '../config/audit.config';
import { BlobCheckpointStore } from './blob-checkpoint-store';
import { CheckpointSigner } from './checkpoint-signer';
import { CheckpointStore } from './checkpoint-store';
import { FolderCheckpointStore } from './folder-checkpoint-store';
import { KeyVaultCheckpointSigner } from './key-vault-checkpoint-signer';
import { LocalKeyCheckpointSigner } from './local-key-checkpoint-signer';

/** The managed identity in Azure (`az login` on a laptop); loaded only when a Key Vault key or a container is configured. */
const azureCredential = async (): Promise<TokenCredential> => {
  const { DefaultAzureCredential } = await import('@azure/identity');
  return new DefaultAzureCredential();
};

/** The store and the signer chosen by the configuration; both null when checkpoints are off. */
export const checkpointProviders: Provider[] = [
  {
    provide: CheckpointStore,
    inject: [AuditConfig],
    useFactory: (
      config: AuditConfig,
    ): Promise<CheckpointStore | null> | null =>
      config.CHECKPOINT_CONTAINER_URL
        ? BlobCheckpointStore.open(
            config.CHECKPOINT_CONTAINER_URL,
            azureCredential,
          )
        : config.CHECKPOINT_DIR
          ? Promise.resolve(new FolderCheckpointStore(config.CHECKPOINT_DIR))
          : null,
  },
  {
    provide: CheckpointSigner,
    inject: [AuditConfig],
    useFactory: (config: AuditConfig): CheckpointSigner | null => {
      if (config.CHECKPOINT_KEY_ID) {
        return new KeyVaultCheckpointSigner(
          config.CHECKPOINT_KEY_ID,
          azureCredential,
        );
      }
      if (config.CHECKPOINT_DIR) {
        new Logger('Checkpoints').warn(
          `CHECKPOINT_KEY_ID is not set: checkpoints are signed with a local key file in ${config.CHECKPOINT_DIR}. ` +
            'They catch accidental damage, not tampering by anyone who can read that folder. Set CHECKPOINT_KEY_ID for real protection.',
        );
        return new LocalKeyCheckpointSigner(config.CHECKPOINT_DIR);
      }
      return null;
    },
  },
];
