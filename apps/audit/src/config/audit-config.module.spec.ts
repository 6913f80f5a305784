import { Environment } from '@app/shared/config';
import { AppApiKeys, GatewaySecrets, MongoDbUri } from '@app/shared/key-vault';
import { Test } from '@nestjs/testing';
import {
  AuditReaderKeys,
  auditReaderKeysProvider,
} from '../access/audit-reader-keys';
import { AuditConfigModule } from './audit-config.module';
import { AuditConfig } from './audit.config';

const APPEND = 'append-key-0123456789ab';
const READER = 'reader-key-0123456789ab';
const URI = 'mongodb://audit:pa55word@127.0.0.1:27018/';

const compile = (env: Record<string, string>) =>
  Test.createTestingModule({
    imports: [AuditConfigModule],
    providers: [auditReaderKeysProvider],
  })
    .overrideProvider(Environment)
    .useValue(env)
    .compile();

describe('AuditConfigModule', () => {
  it('gives a configuration without the secret settings, and each secret through its own injectable', async () => {
    const moduleRef = await compile({
      MONGODB_URI: URI,
      API_KEYS: APPEND,
      AUDIT_READER_KEYS: READER,
      GATEWAY_SECRET: 'gateway-secret-0123456',
    });

    const config = moduleRef.get(AuditConfig);
    for (const setting of [
      'MONGODB_URI',
      'API_KEYS',
      'AUDIT_READER_KEYS',
      'GATEWAY_SECRET',
    ]) {
      expect(config).not.toHaveProperty(setting);
    }
    expect(config).toMatchObject({ PORT: 7072, MONGODB_DATABASE: 'audit' });
    expect(moduleRef.get(MongoDbUri).current()).toBe(URI);
    expect(moduleRef.get(AppApiKeys).current()).toEqual([APPEND]);
    expect(moduleRef.get(AuditReaderKeys).current()).toEqual([READER]);
    expect(moduleRef.get(GatewaySecrets).current()).toEqual([
      'gateway-secret-0123456',
    ]);
  });

  it('stops start-up when a key is in both roles, without echoing it', async () => {
    const starting = compile({ API_KEYS: APPEND, AUDIT_READER_KEYS: APPEND });

    await expect(starting).rejects.toThrow(
      'AUDIT_READER_KEYS: must not contain a key that is also in API_KEYS',
    );
    await expect(starting).rejects.not.toThrow(APPEND);
  });
});
