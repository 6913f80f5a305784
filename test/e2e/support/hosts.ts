import type { NestHttpHandler } from '@app/shared/functions';
import type { Connection } from 'mongoose';
import { HttpClient } from '../../support/http';
import {
  functionsTransport,
  invoke,
  openDatabase,
  received,
  serveOverHttp,
  FUNCTIONS_BASE_URL,
} from './functions-host';
import {
  AUDIT_KEY,
  AUDIT_READER_KEY,
  databaseUri,
  PATIENT_TESTS_KEY,
  startAudit,
  startPatientTests,
  uniqueDatabase,
} from './stack';

// `@azure/functions` registers functions through `@azure/functions-core`, which only the real worker
// provides; the stub records registrations instead of dropping them in the package's test mode.
jest.mock(
  '@azure/functions-core',
  () => jest.requireActual('../../../scripts/lib/functions-core-stub.cjs'),
  { virtual: true },
);

/** The two hosts every contract case runs on: a listening socket, and the Azure Functions handler. */
export type HostKind = 'http' | 'functions';
export const HOST_KINDS: HostKind[] = ['http', 'functions'];

/** What the contract suites call: the e2e HttpClient, over a socket or through the handler. */
export type Client = HttpClient;

/** An app on either host, with a client that sends its key and its database. */
export interface HostedApp {
  client: Client;
  database: Connection;
  close(): Promise<void>;
}

/**
 * An app served by its Functions entry, with the handler that entry registered. For audit, `client`
 * reads with the reader key and `appender` appends with patient-tests' key (for patient-tests both
 * send its one key).
 */
export interface FunctionsApp extends HostedApp {
  handler: NestHttpHandler;
  appender: Client;
}

type Entry = 'patient-tests' | 'audit';

/** A fresh copy of an app's Functions entry (`apps/<app>/src/functions.ts`), so each call gets its own app. */
async function loadEntry(entry: Entry): Promise<NestHttpHandler> {
  let handler: NestHttpHandler | undefined;
  await jest.isolateModulesAsync(async () => {
    handler =
      entry === 'audit'
        ? (await import('../../../apps/audit/src/functions')).handler
        : (await import('../../../apps/patient-tests/src/functions')).handler;
  });
  return handler!;
}

/**
 * Starts an app through its Functions entry, configured from the environment as in Azure (the app
 * reads it on the first invocation, which happens here: a health check through the handler).
 */
export async function startFunctionsApp(
  entry: Entry,
  env: Record<string, string> = {},
): Promise<FunctionsApp> {
  const key = entry === 'audit' ? AUDIT_READER_KEY : PATIENT_TESTS_KEY;
  const appendKey = entry === 'audit' ? AUDIT_KEY : PATIENT_TESTS_KEY;
  const dbName = uniqueDatabase(`e2e-fn-${entry}`);
  const handler = await loadEntry(entry);
  const settings: Record<string, string> = {
    MONGODB_URI: databaseUri(entry),
    MONGODB_DATABASE: dbName,
    API_KEYS: appendKey,
    ...(entry === 'audit' ? { AUDIT_READER_KEYS: AUDIT_READER_KEY } : {}),
    LOG_LEVEL: 'silent',
    ...env,
  };
  const saved = Object.fromEntries(
    Object.keys(settings).map((name) => [name, process.env[name]]),
  );
  Object.assign(process.env, settings);
  try {
    const health = await received(
      await invoke(handler, 'GET', `${FUNCTIONS_BASE_URL}/health`),
    );
    if (health.status !== 200) {
      throw new Error(
        `${entry} answered ${health.status} on its first invocation`,
      );
    }
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
  }
  const database = openDatabase(settings.MONGODB_URI, dbName);
  const client = new HttpClient(
    FUNCTIONS_BASE_URL,
    { 'x-functions-key': key },
    functionsTransport(handler),
  );
  return {
    handler,
    database,
    client,
    appender: client.with({ 'x-functions-key': appendKey }),
    close: async () => {
      await database.dropDatabase().catch(() => undefined);
      await database.close();
      await handler.close();
    },
  };
}

/** The audit app on `kind`. */
export function startAuditOn(
  kind: HostKind,
  env: Record<string, string> = {},
): Promise<HostedApp> {
  return kind === 'http' ? startAudit(env) : startFunctionsApp('audit', env);
}

/** patient-tests on `kind`, auditing through `auditUrl`. */
export function startPatientTestsOn(
  kind: HostKind,
  auditUrl: string,
  env: Record<string, string> = {},
): Promise<HostedApp> {
  return kind === 'http'
    ? startPatientTests(auditUrl, env)
    : startFunctionsApp('patient-tests', {
        AUDIT_API_URL: auditUrl,
        AUDIT_API_KEY: AUDIT_KEY,
        AUDIT_TIMEOUT_MS: '5000',
        ...env,
      });
}

/**
 * Both apps on `kind`. On the Functions host, patient-tests reaches the audit app's handler over real
 * HTTP through a minimal local host (serveOverHttp), as it reaches the audit Function App in Azure.
 */
export async function startStackOn(kind: HostKind): Promise<{
  patientTests: HostedApp;
  /** `client` reads with the reader key, `appender` appends with patient-tests' key. */
  audit: HostedApp & { appender: Client };
  close(): Promise<void>;
}> {
  if (kind === 'http') {
    const audit = await startAudit();
    const patientTests = await startPatientTests(audit.url);
    return {
      patientTests,
      audit,
      close: async () => {
        await patientTests.close();
        await audit.close();
      },
    };
  }
  const audit = await startFunctionsApp('audit');
  const auditOverHttp = await serveOverHttp(audit.handler);
  const patientTests = await startPatientTestsOn(kind, auditOverHttp.url);
  return {
    patientTests,
    audit,
    close: async () => {
      await patientTests.close();
      await auditOverHttp.close();
      await audit.close();
    },
  };
}
