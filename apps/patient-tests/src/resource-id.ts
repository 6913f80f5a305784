import { DomainError } from '@app/shared/errors';
import { PipeTransform } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';

const UUID_V4 =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Ids are lower-case UUID v4 strings the server assigned; anything else cannot name a resource. */
export const isResourceId = (value: string) => UUID_V4.test(value);

/**
 * A path parameter that holds a resource id: anything else names nothing, so the route answers
 * `invalid()` (the resource's 404) before any lookup, e.g.
 * `@Param('patientId', new ResourceIdPipe(patientNotFound)) id: string`.
 */
export class ResourceIdPipe implements PipeTransform<string, string> {
  constructor(private readonly invalid: () => DomainError) {}

  transform(value: string): string {
    if (!isResourceId(value)) {
      throw this.invalid();
    }
    return value;
  }
}

/** Documents a path parameter that holds a resource id (a malformed one names nothing: 404). */
export const ApiResourceIdParam = (name: string, description: string) =>
  ApiParam({
    name,
    description,
    schema: { type: 'string', format: 'uuid' },
  });
