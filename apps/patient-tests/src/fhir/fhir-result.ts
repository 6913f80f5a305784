import {
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, Observable } from 'rxjs';
import { FhirBaseUrl } from './fhir-base-url';

/** A resource as the FHIR routes answer it: the body and what its headers say about it. */
export interface FhirResource {
  resourceType: string;
  id?: string;
  meta?: { versionId?: string; lastUpdated?: string };
}

/**
 * A FHIR handler's answer: the resource, the status (201 for a create, 200 otherwise), and for a
 * single versioned resource its `ETag` (`W/"<versionId>"`), `Last-Modified` and, when created,
 * `Location`. `FhirResultInterceptor` turns it into headers and the body.
 */
export class FhirResult<T extends FhirResource = FhirResource> {
  constructor(
    readonly resource: T,
    readonly options: { status?: 200 | 201; location?: boolean } = {},
  ) {}

  static created<T extends FhirResource>(resource: T): FhirResult<T> {
    return new FhirResult(resource, { status: 201, location: true });
  }
}

/**
 * FHIR's version-specific location of a resource, `[base]/[type]/[id]/_history/[vid]`, absolute on the
 * base clients call: behind API Management a path from the server root would lack the API's own path.
 */
export const versionedLocation = (
  { resourceType, id, meta }: FhirResource,
  baseUrl: string,
) =>
  `${baseUrl}/${resourceType}/${id}${meta?.versionId ? `/_history/${meta.versionId}` : ''}`;

@Injectable()
export class FhirResultInterceptor implements NestInterceptor {
  constructor(private readonly baseUrl: FhirBaseUrl) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((result: unknown): unknown => {
        if (!(result instanceof FhirResult)) {
          return result;
        }
        const http = context.switchToHttp();
        const reply = http.getResponse<FastifyReply>();
        const { resource, options } = result as FhirResult;
        reply.status(options.status ?? 200);
        if (resource.meta?.versionId) {
          reply.header('etag', `W/"${resource.meta.versionId}"`);
        }
        if (resource.meta?.lastUpdated) {
          reply.header(
            'last-modified',
            new Date(resource.meta.lastUpdated).toUTCString(),
          );
        }
        if (options.location) {
          reply.header(
            'location',
            versionedLocation(
              resource,
              this.baseUrl.of(http.getRequest<FastifyRequest>()),
            ),
          );
        }
        return resource;
      }),
    );
  }
}
