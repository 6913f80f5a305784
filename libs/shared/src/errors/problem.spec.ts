import {
  BadRequestException,
  HttpException,
  NotFoundException,
  PayloadTooLargeException,
} from '@nestjs/common';
import { ZodValidationException } from 'nestjs-zod';
import { z } from 'zod';
import { DomainError, NotFoundError, UnavailableError } from './domain-error';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem';

const CORRELATION_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** The problem body as the client receives it, to search for leaked text. */
const wireText = (error: unknown) =>
  JSON.stringify(toProblem(error, CORRELATION_ID));

function zodException(schema: z.ZodType, input: unknown) {
  const result = schema.safeParse(input);
  if (result.success) {
    throw new Error('the input was expected to be invalid');
  }
  return new ZodValidationException(result.error);
}

describe('toProblem', () => {
  describe('a DomainError', () => {
    it('answers with its status, code and detail as RFC 9457 problem+json with the correlation id', () => {
      const problem = toProblem(
        new NotFoundError('PATIENT_NOT_FOUND', 'No patient has this id.'),
        CORRELATION_ID,
      );

      expect(problem).toEqual({
        status: 404,
        headers: { 'content-type': PROBLEM_CONTENT_TYPE },
        body: {
          type: 'urn:problem-type:patient-not-found',
          title: 'Not Found',
          status: 404,
          detail: 'No patient has this id.',
          code: 'PATIENT_NOT_FOUND',
          correlationId: CORRELATION_ID,
        },
      });
    });

    it('adds Retry-After when the error says when to retry', () => {
      const problem = toProblem(
        new UnavailableError('AUDIT_UNAVAILABLE', 'Audit is down.', 5),
        CORRELATION_ID,
      );

      expect(problem.status).toBe(503);
      expect(problem.headers).toEqual({
        'content-type': PROBLEM_CONTENT_TYPE,
        'retry-after': '5',
      });
      expect(problem.body.title).toBe('Service Unavailable');
    });

    it('never shows the message of its cause', () => {
      const cause = new Error('connect ECONNREFUSED 10.0.0.7:7072');
      const text = wireText(
        new UnavailableError('AUDIT_UNAVAILABLE', 'Audit is down.', 5, cause),
      );

      expect(text).not.toContain('ECONNREFUSED');
      expect(text).not.toContain('10.0.0.7');
    });

    it('uses a generic title for a status without a standard name', () => {
      expect(
        toProblem(new DomainError('ODD', 499, 'odd'), CORRELATION_ID).body
          .title,
      ).toBe('Bad Request');
    });
  });

  describe('a validation failure', () => {
    it('answers 400 VALIDATION_FAILED with the path and message of every problem', () => {
      const schema = z.strictObject({
        name: z.string(),
        address: z.strictObject({ postCode: z.string().length(4) }),
        items: z.array(z.strictObject({ id: z.string() })),
      });

      const problem = toProblem(
        zodException(schema, {
          name: 5,
          address: { postCode: '123' },
          items: [{ id: 'a' }, { id: 7 }],
        }),
        CORRELATION_ID,
      );

      expect(problem.status).toBe(400);
      expect(problem.body).toEqual(
        expect.objectContaining({
          status: 400,
          code: 'VALIDATION_FAILED',
          type: 'urn:problem-type:validation-failed',
          correlationId: CORRELATION_ID,
        }),
      );
      expect(problem.body.errors).toEqual([
        { path: 'name', message: expect.any(String) },
        { path: 'address.postCode', message: expect.any(String) },
        { path: 'items.1.id', message: expect.any(String) },
      ]);
    });

    it('names a problem with the whole body, such as an unknown field, as (body)', () => {
      const problem = toProblem(
        zodException(z.strictObject({ name: z.string() }), {
          name: 'x',
          extra: 1,
        }),
        CORRELATION_ID,
      );

      expect(problem.body.errors).toEqual([
        { path: '(body)', message: expect.stringContaining('extra') },
      ]);
    });
  });

  describe("a Nest HttpException (routing, Fastify's parser and body limit)", () => {
    it.each([
      [
        new BadRequestException(
          'Unexpected token } in JSON at position 12: {"firstName": }',
        ),
        400,
        'BAD_REQUEST',
      ],
      [
        new NotFoundException('Cannot GET /api/patient/<script>'),
        404,
        'NOT_FOUND',
      ],
      [
        new PayloadTooLargeException('Request body is too large: 70000 bytes'),
        413,
        'PAYLOAD_TOO_LARGE',
      ],
      [
        new HttpException('Unsupported Media Type: text/xml', 415),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
    ])(
      'answers %s with its status and a fixed text, never the exception message',
      (exception, status, code) => {
        const problem = toProblem(exception, CORRELATION_ID);

        expect(problem.status).toBe(status);
        expect(problem.body.code).toBe(code);
        expect(problem.body.detail).not.toContain(exception.message);
        expect(wireText(exception)).not.toContain(exception.message);
      },
    );

    it('answers a 4xx without a fixed text of its own with a generic one', () => {
      const problem = toProblem(
        new HttpException('I am a teapot: earl grey', 418),
        CORRELATION_ID,
      );

      expect(problem.body).toEqual(
        expect.objectContaining({
          status: 418,
          code: 'BAD_REQUEST',
          detail: 'The request could not be processed.',
        }),
      );
    });

    it('answers a 5xx HttpException as an internal error without its message', () => {
      const exception = new HttpException('pool exhausted on shard 3', 500);

      expect(toProblem(exception, CORRELATION_ID).body).toEqual(
        expect.objectContaining({ status: 500, code: 'INTERNAL_ERROR' }),
      );
      expect(wireText(exception)).not.toContain('pool exhausted');
    });
  });

  describe('an unknown error', () => {
    it.each([
      [
        'an Error',
        new TypeError("Cannot read properties of undefined (reading 'id')"),
      ],
      ['a string', 'mongodb://admin:secret@db/patients failed'],
      ['undefined', undefined],
      ['null', null],
    ])('answers %s with a bare 500 that leaks nothing', (_what, error) => {
      const problem = toProblem(error, CORRELATION_ID);

      expect(problem).toEqual({
        status: 500,
        headers: { 'content-type': PROBLEM_CONTENT_TYPE },
        body: {
          type: 'urn:problem-type:internal-error',
          title: 'Internal Server Error',
          status: 500,
          detail: 'The service could not complete the request.',
          code: 'INTERNAL_ERROR',
          correlationId: CORRELATION_ID,
        },
      });
    });
  });

  describe('a storage error', () => {
    const driverError = (name: string, message: string, code?: number) =>
      Object.assign(new Error(message), { name, code });

    it.each([
      'MongoServerSelectionError',
      'MongooseServerSelectionError',
      'MongoNetworkError',
      'MongoNetworkTimeoutError',
      'MongoNotConnectedError',
      'MongoTopologyClosedError',
      'MongoPoolClearedError',
    ])(
      'answers a %s (database unreachable) with 503 DATABASE_UNAVAILABLE and Retry-After, without the driver message',
      (name) => {
        const error = driverError(name, 'connect ECONNREFUSED 10.1.2.3:27017');

        const problem = toProblem(error, CORRELATION_ID);

        expect(problem.status).toBe(503);
        expect(problem.body.code).toBe('DATABASE_UNAVAILABLE');
        expect(problem.headers['retry-after']).toBe('5');
        expect(wireText(error)).not.toContain('10.1.2.3');
      },
    );

    it('answers a MongooseError that means "not connected yet" with 503', () => {
      const error = driverError(
        'MongooseError',
        'Operation `patients.findOne()` buffering timed out after 10000ms',
      );

      expect(toProblem(error, CORRELATION_ID).status).toBe(503);
    });

    it('answers any other MongooseError with a bare 500', () => {
      const error = driverError('MongooseError', 'Cast to ObjectId failed');

      expect(toProblem(error, CORRELATION_ID).body.code).toBe('INTERNAL_ERROR');
    });

    it('answers a duplicate key (code 11000) with 409 CONFLICT, without the driver message', () => {
      const error = driverError(
        'MongoServerError',
        'E11000 duplicate key error collection: patients index: _id_ dup key: { _id: "x" }',
        11000,
      );

      const problem = toProblem(error, CORRELATION_ID);

      expect(problem.status).toBe(409);
      expect(problem.body.code).toBe('CONFLICT');
      expect(problem.headers['retry-after']).toBeUndefined();
      expect(wireText(error)).not.toContain('E11000');
    });

    it('answers exhausted throttling (code 16500) with 503 DATABASE_THROTTLED and Retry-After', () => {
      const error = driverError(
        'MongoServerError',
        'Request rate is large. RetryAfterMs=120, Details=...',
        16500,
      );

      const problem = toProblem(error, CORRELATION_ID);

      expect(problem.status).toBe(503);
      expect(problem.body.code).toBe('DATABASE_THROTTLED');
      expect(problem.headers['retry-after']).toBe('5');
      expect(wireText(error)).not.toContain('RetryAfterMs');
    });
  });
});
