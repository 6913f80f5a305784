import type { Model, mongo } from 'mongoose';

/**
 * The driver collection behind a model, typed with the model's document (string `_id`s included).
 * Writes go straight to the driver: the input is already validated, and this skips hydration.
 */
export function typedCollection<T extends mongo.Document>(
  model: Model<T>,
): mongo.Collection<T> {
  return model.collection as unknown as mongo.Collection<T>;
}
