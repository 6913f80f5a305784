import { ApiParam } from '@nestjs/swagger';

const UUID_V4 =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Ids are lower-case UUID v4 strings the server assigned; anything else cannot name a resource. */
export const isResourceId = (value: string) => UUID_V4.test(value);

/** Documents a path parameter that holds a resource id (a malformed one names nothing: 404). */
export const ApiResourceIdParam = (name: string, description: string) =>
  ApiParam({
    name,
    description,
    schema: { type: 'string', format: 'uuid' },
  });
