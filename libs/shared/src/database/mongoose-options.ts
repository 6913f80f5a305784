import { Logger } from '@nestjs/common';
import type { MongooseModuleOptions } from '@nestjs/mongoose';
import type { Connection, ConnectOptions } from 'mongoose';
import { retryThrottledQueriesOf } from './retry-throttled-calls';

const logger = new Logger('Database');

/** Waits between attempts to make the first connection: doubling from 1 s up to 30 s. */
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

/**
 * Keeps trying to open a connection whose first attempt failed. The driver reconnects by itself once
 * it has connected, but a first connection that never succeeded is not retried by mongoose, and the
 * app would answer 503 until restarted. Only the host's failure is logged, never the URI (it may hold
 * credentials).
 */
function reconnectUntilOpen(
  connection: Connection,
  uri: string,
  options: ConnectOptions,
): Connection {
  // A listener marks connection errors as handled: an unreachable database must not crash the app.
  connection.on('error', () => undefined);
  const attempt = (delayMs: number) => {
    setTimeout(() => {
      connection.openUri(uri, options).catch((error: unknown) => {
        logger.warn(
          `database unreachable (${(error as Error).name}); retrying in ${(delayMs * 2) / 1000} s`,
        );
        attempt(Math.min(delayMs * 2, MAX_RETRY_MS));
      });
    }, delayMs).unref();
  };
  connection.asPromise().catch((error: unknown) => {
    logger.warn(
      `database unreachable at start-up (${(error as Error).name}); retrying in ${FIRST_RETRY_MS / 1000} s`,
    );
    attempt(FIRST_RETRY_MS);
  });
  return connection;
}

/**
 * Whether `uri` names an Azure Cosmos DB for MongoDB account (public or sovereign clouds; private
 * endpoints keep the same host name).
 */
export function isCosmosDbUri(uri: string): boolean {
  return /^mongodb(\+srv)?:\/\/([^@/]*@)?[^/?]*\.mongo\.cosmos\.azure\.(com|us|cn)\b/i.test(
    uri,
  );
}

/**
 * Connection options that work unchanged on MongoDB, Azure Cosmos DB for MongoDB and FerretDB.
 * The connection is lazy: the app starts (and cold-starts fast) without waiting for the database,
 * commands wait briefly for it, and an unreachable database answers 503 instead of stopping the app,
 * until it can be reached again, at start-up or later.
 */
export function mongooseOptions(
  uri: string,
  dbName: string,
): MongooseModuleOptions {
  const connectOptions: ConnectOptions = {
    dbName,
    serverSelectionTimeoutMS: 5000,
    // Cosmos DB rejects retryable writes; its connection strings say so, others may too.
    retryWrites: false,
    // The Cosmos DB accounts refuse index changes made with their key (terraform/cosmos.tf), because
    // Terraform declares every index from terraform/collections.json (`npm run collections`); elsewhere
    // the app creates its own indexes.
    autoIndex: !isCosmosDbUri(uri),
  };
  return {
    uri,
    ...connectOptions,
    lazyConnection: true,
    // Every query of every model retried on throttling (driver calls: `typedCollection`).
    connectionFactory: (connection: Connection) =>
      reconnectUntilOpen(
        retryThrottledQueriesOf(connection),
        uri,
        connectOptions,
      ),
  };
}
