import type { MongooseModuleOptions } from '@nestjs/mongoose';

/**
 * Connection options that work unchanged on MongoDB, Azure Cosmos DB for MongoDB and FerretDB.
 * The connection is lazy: the app starts (and cold-starts fast) without waiting for the database,
 * commands wait briefly for it, and an unreachable database answers 503 instead of stopping the app.
 */
export function mongooseOptions(
  uri: string,
  dbName: string,
): MongooseModuleOptions {
  return {
    uri,
    dbName,
    lazyConnection: true,
    serverSelectionTimeoutMS: 5000,
    // Cosmos DB rejects retryable writes; its connection strings say so, others may too.
    retryWrites: false,
    autoIndex: true,
  };
}
