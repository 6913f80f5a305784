import { createServer, IncomingMessage, Server } from 'node:http';
import { UnavailableError } from '@app/shared/errors';
import { HttpService } from '@nestjs/axios';
import axios from 'axios';
import { strictMock } from '@test/strict-mock';
import { PatientTestsConfig } from '../config/patient-tests.config';
import { AuditApiKey } from './audit-api-key';
import { AuditClient, AuditEntry } from './audit-client';

const KEY = 'audit-key-fail-closed-0001';
const ENTRY: AuditEntry = {
  resource: 'patient',
  operation: 'read',
  patientIds: ['p-1'],
  outcome: 200,
};
/** What audit answers for a stored record (abridged): the record, with its id. */
const STORED = JSON.stringify({ id: '00000000-0000-4000-8000-000000000001' });

interface Received {
  method?: string;
  url?: string;
  key?: string | string[];
}

/** A local HTTP server that records every request it gets and answers with `answer`. */
async function listen(
  answer: (request: IncomingMessage) => {
    status: number;
    headers?: Record<string, string>;
    body?: string;
  },
): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    received.push({
      method: request.method,
      url: request.url,
      key: request.headers['x-functions-key'],
    });
    request.resume();
    const { status, headers, body = '[]' } = answer(request);
    response.writeHead(status, headers).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, received, server };
}

/** The client with real axios, holding `KEY`. */
const clientFor = (auditUrl: string) =>
  new AuditClient(
    new HttpService(axios.create()),
    {
      AUDIT_API_URL: auditUrl,
      AUDIT_TIMEOUT_MS: 2000,
    } as PatientTestsConfig,
    strictMock<AuditApiKey>({ current: jest.fn().mockReturnValue(KEY) }),
  );

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('AuditClient against an audit URL that answers unexpectedly', () => {
  const servers: Server[] = [];

  afterEach(() => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      server.close();
    }
  });

  it('succeeds on 201, the one answer audit gives for a stored record', async () => {
    const audit = await listen(() => ({ status: 201, body: STORED }));
    servers.push(audit.server);

    await clientFor(`${audit.url}/api`).record(ENTRY, 'a'.repeat(32));

    expect(audit.received).toEqual([
      { method: 'POST', url: '/api/auditrecord', key: KEY },
    ]);
  });

  it('answers the stored record id, and fails closed (503) on a 201 that names no record', async () => {
    const audit = await listen(() => ({ status: 201, body: STORED }));
    const impostor = await listen(() => ({ status: 201 }));
    servers.push(audit.server, impostor.server);

    await expect(
      clientFor(`${audit.url}/api`).record(ENTRY, 'e'.repeat(32)),
    ).resolves.toEqual({ id: '00000000-0000-4000-8000-000000000001' });
    expect(
      await failure(
        clientFor(`${impostor.url}/api`).record(ENTRY, 'f'.repeat(32)),
      ),
    ).toMatchObject({ status: 503, code: 'AUDIT_UNAVAILABLE' });
  });

  it.each([200, 202, 204])(
    'fails closed (503) on %i: a success that is not a stored record',
    async (status) => {
      const audit = await listen(() => ({ status }));
      servers.push(audit.server);

      const error = await failure(
        clientFor(`${audit.url}/api`).record(ENTRY, 'b'.repeat(32)),
      );

      expect(error).toBeInstanceOf(UnavailableError);
      expect(error).toMatchObject({ status: 503, code: 'AUDIT_UNAVAILABLE' });
    },
  );

  it.each([301, 302, 303, 307, 308])(
    'fails closed (503) on a %i redirect, and never calls where it points',
    async (status) => {
      const elsewhere = await listen(() => ({ status: 201, body: STORED }));
      const audit = await listen(() => ({
        status,
        headers: { location: `${elsewhere.url}/api/auditrecord` },
      }));
      servers.push(audit.server, elsewhere.server);

      const error = await failure(
        clientFor(`${audit.url}/api`).record(ENTRY, 'c'.repeat(32)),
      );

      expect(error).toMatchObject({ status: 503, code: 'AUDIT_UNAVAILABLE' });
      expect(audit.received).toHaveLength(1);
      expect(elsewhere.received).toEqual([]);
    },
  );

  it('sends the key to the configured URL only, even with a proxy in the environment', async () => {
    const proxy = await listen(() => ({ status: 201, body: STORED }));
    const audit = await listen(() => ({ status: 201, body: STORED }));
    servers.push(proxy.server, audit.server);
    const saved = process.env.http_proxy;
    process.env.http_proxy = proxy.url;
    try {
      await clientFor(`${audit.url}/api`).record(ENTRY, 'd'.repeat(32));
    } finally {
      if (saved === undefined) {
        delete process.env.http_proxy;
      } else {
        process.env.http_proxy = saved;
      }
    }

    expect(proxy.received).toEqual([]);
    expect(audit.received).toHaveLength(1);
  });
});
