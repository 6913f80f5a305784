import { applyDecorators } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { ApiProblemResponses } from './problem-responses.decorator';

/** Documents the optional `If-Match` request header of an update. */
export const ApiIfMatch = () =>
  ApiHeader({
    name: 'If-Match',
    required: false,
    description:
      'The ETag of the version read: the update is refused with 412 when the resource changed since. ' +
      'Without it the update is unconditional (clients of the seed do not send it).',
    schema: { type: 'string' },
  });

/** Documents the optional `Idempotency-Key` request header of a create, and what it can answer. */
export const ApiIdempotencyKey = () =>
  applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Makes the create safe to retry for 24 h: a replay with the same body gets the first response ' +
        '(header Idempotent-Replayed), another body 422, a replay while the first runs 409. ' +
        '1-255 visible ASCII characters, optionally quoted.',
      schema: { type: 'string', minLength: 1, maxLength: 257 },
    }),
    ApiProblemResponses(409, 422),
  );
