import { HttpService } from '@nestjs/axios';
import { AxiosError, AxiosHeaders, AxiosResponse } from 'axios';
import { of, throwError } from 'rxjs';
import { strictMock } from '@test/strict-mock';
import { PatientTestsConfig } from '../config/patient-tests.config';
import { AuditApiKey } from './audit-api-key';
import { AuditClient, AuditEntry } from './audit-client';

const OLD = 'audit-key-old-000000001';
const NEW = 'audit-key-new-000000002';
const ENTRY: AuditEntry = {
  resource: 'patient',
  operation: 'read',
  patientIds: ['p-1'],
  outcome: 200,
};

const CONFIGURED = 'configured-key-00000000';
const config = {
  AUDIT_API_URL: 'http://audit.test/api',
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

/** The client under test, posting through `post` and reading its key from `key`. */
const auditClient = (post: jest.Mock, key: AuditApiKey) =>
  new AuditClient(strictMock<HttpService>({ post }), config, key);

describe('AuditClient when audit rejects its key', () => {
  it('re-reads its key once and retries once with the new key', async () => {
    const post = jest
      .fn()
      .mockReturnValueOnce(unauthorized())
      .mockReturnValueOnce(created());
    const key = strictMock<AuditApiKey>({
      current: jest.fn().mockReturnValue(OLD),
      refresh: jest.fn().mockResolvedValue(NEW),
    });
    const client = auditClient(post, key);

    await client.record(ENTRY, 'correlation-1');

    expect(key.refresh).toHaveBeenCalledTimes(1);
    expect(post).toHaveBeenCalledTimes(2);
    expect([keySent(post, 0), keySent(post, 1)]).toEqual([OLD, NEW]);
  });

  it('retries with the key a concurrent call already re-read, without reading the vault again', async () => {
    const post = jest
      .fn()
      .mockReturnValueOnce(unauthorized())
      .mockReturnValueOnce(created());
    const key = strictMock<AuditApiKey>({
      current: jest.fn().mockReturnValueOnce(OLD).mockReturnValue(NEW),
    });
    const client = auditClient(post, key);

    await client.record(ENTRY, 'correlation-2');

    expect(keySent(post, 1)).toBe(NEW);
  });

  it('fails closed (503) without a retry when the re-read key is unchanged', async () => {
    const post = jest.fn().mockReturnValueOnce(unauthorized());
    const key = strictMock<AuditApiKey>({
      current: jest.fn().mockReturnValue(OLD),
      refresh: jest.fn().mockResolvedValue(OLD),
    });
    const client = auditClient(post, key);

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
    const key = strictMock<AuditApiKey>({
      current: jest.fn().mockReturnValue(OLD),
      refresh: jest.fn().mockResolvedValue(NEW),
    });
    const client = auditClient(post, key);

    await expect(client.record(ENTRY, 'correlation-4')).rejects.toMatchObject({
      status: 503,
    });
    expect(post).toHaveBeenCalledTimes(2);
    expect(key.refresh).toHaveBeenCalledTimes(1);
  });

  it('fails closed at once when the key has nothing newer to re-read (it comes from the environment)', async () => {
    const post = jest.fn().mockReturnValueOnce(unauthorized());
    const key = strictMock<AuditApiKey>({
      current: jest.fn().mockReturnValue(CONFIGURED),
      refresh: jest.fn().mockResolvedValue(CONFIGURED),
    });
    const client = auditClient(post, key);

    await expect(client.record(ENTRY, 'correlation-5')).rejects.toMatchObject({
      status: 503,
    });
    expect(keySent(post, 0)).toBe(CONFIGURED);
    expect(post).toHaveBeenCalledTimes(1);
  });

  it('does not re-read the key for a failure other than 401', async () => {
    const post = jest
      .fn()
      .mockReturnValueOnce(throwError(() => new Error('ECONNREFUSED')));
    const key = strictMock<AuditApiKey>({
      current: jest.fn().mockReturnValue(OLD),
    });
    const client = auditClient(post, key);

    await expect(client.record(ENTRY, 'correlation-6')).rejects.toMatchObject({
      status: 503,
    });
    expect(post).toHaveBeenCalledTimes(1);
  });
});
