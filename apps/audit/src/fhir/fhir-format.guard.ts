import { DomainError } from '@app/shared/errors';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { JSON_FORMATS } from './fhir-json';

const ANY = new Set(['*/*', 'application/*']);

const mediaTypes = (value: string) =>
  value
    .split(',')
    .map((range) => range.split(';')[0].trim().toLowerCase())
    .filter((range) => range.length > 0);

function acceptsJson(accept: string | string[] | undefined): boolean {
  const ranges = mediaTypes([accept ?? ''].flat().join(','));
  return (
    ranges.length === 0 ||
    ranges.some((range) => ANY.has(range) || JSON_FORMATS.has(range))
  );
}

function formatIsJson(format: unknown): boolean {
  const formats = [format].flat();
  return formats.every(
    (value) =>
      typeof value === 'string' &&
      mediaTypes(value).every((type) => JSON_FORMATS.has(type)),
  );
}

/**
 * This server speaks FHIR JSON only: `_format` (which wins over Accept, as FHIR says) or Accept
 * asking for anything else (XML, Turtle) is answered 406.
 */
@Injectable()
export class FhirFormatGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const format = (request.query as Record<string, unknown> | undefined)
      ?._format;
    const acceptable =
      format === undefined
        ? acceptsJson(request.headers.accept)
        : formatIsJson(format);
    if (!acceptable) {
      throw new DomainError(
        'FHIR_FORMAT_NOT_SUPPORTED',
        406,
        'This server answers FHIR JSON only (application/fhir+json).',
      );
    }
    return true;
  }
}
