import { strictMock } from '@test/strict-mock';
import { KeyVaultSecrets } from './key-vault-secrets';
import { rotatingSecret } from './rotating-secret';

describe('rotatingSecret', () => {
  it("answers Key Vault's current copy when the vault holds the setting, and the re-read one after refresh", async () => {
    const secrets = strictMock<KeyVaultSecrets>({
      current: jest.fn().mockReturnValue('vault-key'),
      refresh: jest.fn().mockResolvedValue('rotated-key'),
    });
    const secret = rotatingSecret(secrets, 'AUDIT_API_KEY', 'configured-key');

    expect(secret.current()).toBe('vault-key');
    await expect(secret.refresh()).resolves.toBe('rotated-key');
    expect(secrets.refresh).toHaveBeenCalledWith('AUDIT_API_KEY');
  });

  it('answers the configured value when the vault does not hold the setting, also after refresh', async () => {
    const secrets = strictMock<KeyVaultSecrets>({
      current: jest.fn().mockReturnValue(undefined),
      refresh: jest.fn().mockResolvedValue(undefined),
    });
    const secret = rotatingSecret(secrets, 'AUDIT_API_KEY', 'configured-key');

    expect(secret.current()).toBe('configured-key');
    await expect(secret.refresh()).resolves.toBe('configured-key');
  });
});
