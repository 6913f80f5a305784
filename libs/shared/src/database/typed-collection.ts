import type { Model, mongo } from 'mongoose';
import { retryingCollection } from './retry-throttled-calls';

/**
 * The driver collection behind a model, typed with the model's document (string `_id`s included),
 * every call retried on throttling (see `retryingCollection`).
 * Writes go straight to the driver: the input is already validated, and this skips hydration.
 */
export function typedCollection<T extends mongo.Document>(
  model: Model<T>,
): mongo.Collection<T> {
  return retryingCollection(unretriedCollection(model));
}

/**
 * Like `typedCollection`, with no throttle retry: only for a caller that handles throttling itself,
 * with its own deadline (the audit append). Say why where it is used.
 */
export function unretriedCollection<T extends mongo.Document>(
  model: Model<T>,
): mongo.Collection<T> {
  return model.collection as unknown as mongo.Collection<T>;
}
