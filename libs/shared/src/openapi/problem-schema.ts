import type {
  ReferenceObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';

/** Name of the problem+json schema in `components.schemas` (added by `buildOpenApiDocument`). */
export const PROBLEM_SCHEMA_NAME = 'Problem';

/** The problem+json body of every error response, as documented in the OpenAPI document. */
export const problemSchema: SchemaObject = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code', 'correlationId'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
    correlationId: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

export const problemReference: ReferenceObject = {
  $ref: `#/components/schemas/${PROBLEM_SCHEMA_NAME}`,
};
