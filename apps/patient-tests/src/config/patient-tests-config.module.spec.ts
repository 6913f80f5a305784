import { Environment } from '@app/shared/config';
import { AppApiKeys, MongoDbUri } from '@app/shared/key-vault';
import { Test } from '@nestjs/testing';
import { AuditApiKey, auditApiKeyProvider } from '../audit/audit-api-key';
import { PatientTestsConfigModule } from './patient-tests-config.module';
import { PatientTestsConfig } from './patient-tests.config';

const KEY = 'patient-tests-key-000001';
const AUDIT_KEY = 'audit-key-0123456789abc';
const URI = 'mongodb://patient-tests:pa55word@127.0.0.1:27017/';

const compile = (env: Record<string, string>) =>
  Test.createTestingModule({
    imports: [PatientTestsConfigModule],
    providers: [auditApiKeyProvider],
  })
    .overrideProvider(Environment)
    .useValue(env)
    .compile();

describe('PatientTestsConfigModule', () => {
  it('gives a configuration without the secret settings, and each secret through its own injectable', async () => {
    const moduleRef = await compile({
      MONGODB_URI: URI,
      API_KEYS: KEY,
      AUDIT_API_KEY: AUDIT_KEY,
    });

    const config = moduleRef.get(PatientTestsConfig);
    for (const setting of [
      'MONGODB_URI',
      'API_KEYS',
      'AUDIT_API_KEY',
      'GATEWAY_SECRET',
    ]) {
      expect(config).not.toHaveProperty(setting);
    }
    expect(config).toMatchObject({
      AUDIT_API_URL: 'http://localhost:7072/api',
    });
    expect(moduleRef.get(MongoDbUri).current()).toBe(URI);
    expect(moduleRef.get(AppApiKeys).current()).toEqual([KEY]);
    expect(moduleRef.get(AuditApiKey).current()).toBe(AUDIT_KEY);
  });

  it('stops start-up on an audit key that breaks its rule, without echoing it', async () => {
    const starting = compile({ API_KEYS: KEY, AUDIT_API_KEY: 'too-short' });

    await expect(starting).rejects.toThrow(
      'AUDIT_API_KEY: must be set to a key the audit API accepts (at least 16 characters)',
    );
    await expect(starting).rejects.not.toThrow('too-short');
  });
});
