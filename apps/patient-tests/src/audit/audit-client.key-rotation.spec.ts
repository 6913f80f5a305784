import { KeyVaultSecrets, rotatingSecret } from '@app/shared/key-vault';
import { HttpService } from '@nestjs/axios';
import { AxiosError, AxiosHeaders, AxiosResponse } from 'axios';
import { of, throwError } from 'rxjs';
import { strictMock } from '@test/strict-mock';
import { PatientTestsConfig } from '../config/patient-tests.config';
import { AuditClient, AuditEntry } from './audit-client';

const OLD = 'audit-key-old-000000001';
const NEW = 'audit-key-new-000000002';
const ENTRY: AuditEntry = {
  resource: 'patient',
  operation: 'read',
  patientIds: ['p-1'],
  outcome: 200,
};

const config = {
  AUDIT_API_URL: 'http://audit.test/api',
  AUDIT_API_KEY: 'configured-key-00000000',
  AUDIT_TIMEOUT_MS: 1000,
} as PatientTestsConfig;

const RECORD_ID = '00000000-0000-4000-8000-000000000001';
const created = () =>
  of({ status: 201, data: { id: RECORD_ID } } as AxiosResponse);

function unauthorized() {
  const response = {
    status: 401,
    data: {},
    headers: {},
    config: { headers: new AxiosHeaders() },
  };
  return throwError(
    () =>
      new AxiosError(
        '401',
        'ERR_BAD_REQUEST',
        undefined,
        undefined,
        response as AxiosResponse,
      ),
  );
}

const keySent = (post: jest.Mock, call: number) =>
  (post.mock.calls[call][2] as { headers: Record<string, string> }).headers[
    'x-functions-key'
  ];

/** The client under test, posting through `post` and reading its key from `secrets`. */
const auditClient = (post: jest.Mock, secrets: KeyVaultSecrets) =>
  new AuditClient(
    strictMock<HttpService>({ post }),
    config,
    rotatingSecret(secrets, 'AUDIT_API_KEY', config.AUDIT_API_KEY),
  );

describe('AuditClient when audit rejects its key', () => {
  it('re-reads AUDIT_API_KEY once and retries once with the new key', async () => {
    const post = jest
      .fn()
      .mockReturnValueOnce(unauthorized())
      .mockReturnValueOnce(created());
    const secrets = strictMock<KeyVaultSecrets>({
      current: jest.fn().mockReturnValue(OLD),
      refresh: jest.fn().mockResolvedValue(NEW),
    });
    const client = auditClient(post, secrets);

    await client.record(ENTRY, 'correlation-1');

    expect(secrets.refresh).toHaveBeenCalledTimes(1);
    expect(secrets.refresh).toHaveBeenCalledWith('AUDIT_API_KEY');
    expect(post).toHaveBeenCalledTimes(2);
    expect([keySent(post, 0), keySent(post, 1)]).toEqual([OLD, NEW]);
  });

  it('retries with the key a concurrent call already re-read, without reading the vault again', async () => {
    const post = jest
      .fn()
      .mockReturnValueOnce(unauthorized())
      .mockReturnValueOnce(created());
    const secrets = strictMock<KeyVaultSecrets>({
      current: jest.fn().mockReturnValueOnce(OLD).mockReturnValue(NEW),
    });
    const client = auditClient(post, secrets);

    await client.record(ENTRY, 'correlation-2');

    expect(keySent(post, 1)).toBe(NEW);
  });

  it('fails closed (503) without a retry when the re-read key is unchanged', async () => {
    const post = jest.fn().mockReturnValueOnce(unauthorized());
    const secrets = strictMock<KeyVaultSecrets>({
      current: jest.fn().mockReturnValue(OLD),
      refresh: jest.fn().mockResolvedValue(OLD),
    });
    const client = auditClient(post, secrets);

    await expect(client.record(ENTRY, 'correlation-3')).rejects.toMatchObject({
      status: 503,
      code: 'AUDIT_UNAVAILABLE',
    });
    expect(post).toHaveBeenCalledTimes(1);
  });

  it('fails closed (503) when the retry is rejected too', async () => {
    const post = jest
      .fn()
      .mockReturnValueOnce(unauthorized())
      .mockReturnValueOnce(unauthorized());
    const secrets = strictMock<KeyVaultSecrets>({
      current: jest.fn().mockReturnValue(OLD),
      refresh: jest.fn().mockResolvedValue(NEW),
    });
    const client = auditClient(post, secrets);

    await expect(client.record(ENTRY, 'correlation-4')).rejects.toMatchObject({
      status: 503,
    });
    expect(post).toHaveBeenCalledTimes(2);
    expect(secrets.refresh).toHaveBeenCalledTimes(1);
  });

  it('uses the configured key, and has nothing to re-read, when Key Vault does not hold it', async () => {
    const post = jest.fn().mockReturnValueOnce(unauthorized());
    const secrets = strictMock<KeyVaultSecrets>({
      current: jest.fn().mockReturnValue(undefined),
      refresh: jest.fn().mockResolvedValue(undefined),
    });
    const client = auditClient(post, secrets);

    await expect(client.record(ENTRY, 'correlation-5')).rejects.toMatchObject({
      status: 503,
    });
    expect(keySent(post, 0)).toBe(config.AUDIT_API_KEY);
    expect(post).toHaveBeenCalledTimes(1);
  });

  it('does not re-read the key for a failure other than 401', async () => {
    const post = jest
      .fn()
      .mockReturnValueOnce(throwError(() => new Error('ECONNREFUSED')));
    const secrets = strictMock<KeyVaultSecrets>({
      current: jest.fn().mockReturnValue(OLD),
    });
    const client = auditClient(post, secrets);

    await expect(client.record(ENTRY, 'correlation-6')).rejects.toMatchObject({
      status: 503,
    });
    expect(post).toHaveBeenCalledTimes(1);
  });
});
