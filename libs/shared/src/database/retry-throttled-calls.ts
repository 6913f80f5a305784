import type { Connection, Model, mongo } from 'mongoose';
import { withThrottleRetry } from './throttle-retry';

// Throttle retry applied once, where the database is reached, instead of at every call site (where a
// forgotten wrapper was a silent bug). Only throttling is retried: a throttled command was not executed.

type Exec = (this: MongooseQuery, ...args: unknown[]) => Promise<unknown>;
interface MongooseQuery {
  clone(): MongooseQuery;
}

/**
 * Retries every query of `model` (`find`, `findOne`, `countDocuments`, updates...) on throttling.
 * Mongoose gives each model its own `Query` class, so this changes that model's queries alone; a
 * query object runs once, so each further attempt runs a copy of it.
 */
function retryThrottledQueries(model: Model<unknown>): void {
  const query = (model as unknown as { Query: { prototype: { exec: Exec } } })
    .Query.prototype;
  const exec = query.exec;
  query.exec = function retryingExec(this: MongooseQuery, ...args: unknown[]) {
    let attempts = 0;
    return withThrottleRetry(() =>
      exec.apply(attempts++ === 0 ? this : this.clone(), args),
    );
  };
}

/**
 * Makes every model compiled on `connection` retry its queries on throttling (mongoose announces each
 * new model with a `model` event, before any repository can use it). Driver calls made through
 * `typedCollection` are retried there.
 */
export function retryThrottledQueriesOf(connection: Connection): Connection {
  connection.on('model', (model: Model<unknown>) =>
    retryThrottledQueries(model),
  );
  return connection;
}

/** Driver methods that answer with a promise, retried as they are. */
const PROMISE_METHODS = new Set<PropertyKey>([
  'insertOne',
  'insertMany',
  'updateOne',
  'updateMany',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'findOne',
  'findOneAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
  'countDocuments',
  'bulkWrite',
]);

/**
 * `collection` with each of its promise-returning methods retried on throttling, and `find(...)`'s
 * `toArray()` retried by running the find again. Other cursor methods run once.
 */
export function retryingCollection<T extends mongo.Document>(
  collection: mongo.Collection<T>,
): mongo.Collection<T> {
  return new Proxy(collection, {
    get(target, property, receiver): unknown {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') {
        return value;
      }
      const method = value as (...args: unknown[]) => unknown;
      if (PROMISE_METHODS.has(property)) {
        return (...args: unknown[]) =>
          withThrottleRetry(
            () => method.apply(target, args) as Promise<unknown>,
          );
      }
      if (property === 'find') {
        return (...args: unknown[]) => {
          const cursor = method.apply(target, args) as mongo.FindCursor;
          return new Proxy(cursor, {
            get(first, name, cursorReceiver): unknown {
              if (name !== 'toArray') {
                const member: unknown = Reflect.get(
                  first,
                  name,
                  cursorReceiver,
                );
                return typeof member === 'function'
                  ? (member as (...a: unknown[]) => unknown).bind(first)
                  : member;
              }
              let attempts = 0;
              return () =>
                withThrottleRetry(() =>
                  (attempts++ === 0
                    ? first
                    : (method.apply(target, args) as mongo.FindCursor)
                  ).toArray(),
                );
            },
          });
        };
      }
      return method.bind(target);
    },
  });
}
