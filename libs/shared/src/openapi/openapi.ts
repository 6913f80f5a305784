import { writeFileSync } from 'node:fs';
import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { cleanupOpenApiDoc } from 'nestjs-zod';
import { API_KEY_HEADER, API_KEY_QUERY } from '../auth/api-key-names';
import { PROBLEM_SCHEMA_NAME, problemSchema } from './problem-schema';

export interface OpenApiInfo {
  title: string;
  description: string;
  version: string;
}

/** Security scheme names used by `@ApiSecurity` on every protected controller. */
export const FUNCTION_KEY_HEADER_SCHEME = 'functionKeyHeader';
export const FUNCTION_KEY_QUERY_SCHEME = 'functionKeyQuery';

/** The OpenAPI 3 document generated from the code (routes and zod schemas). */
export function buildOpenApiDocument(
  app: INestApplication,
  info: OpenApiInfo,
): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(info.title)
    .setDescription(info.description)
    .setVersion(info.version)
    .addServer('/')
    .addApiKey(
      { type: 'apiKey', in: 'header', name: API_KEY_HEADER },
      FUNCTION_KEY_HEADER_SCHEME,
    )
    .addApiKey(
      { type: 'apiKey', in: 'query', name: API_KEY_QUERY },
      FUNCTION_KEY_QUERY_SCHEME,
    )
    .build();
  const document = cleanupOpenApiDoc(SwaggerModule.createDocument(app, config));
  // The problem+json body is referenced by every error response (ApiProblemResponses).
  document.components = {
    ...document.components,
    schemas: {
      ...document.components?.schemas,
      [PROBLEM_SCHEMA_NAME]: problemSchema,
    },
  };
  return document;
}

/** Serves the document at `GET /api/openapi.json` and Swagger UI at `/api/docs`, both without a key. */
export function setupOpenApi(
  app: NestFastifyApplication,
  info: OpenApiInfo,
): void {
  let document: OpenAPIObject | undefined;
  // Built on first request: routes are only known once the app is initialised.
  const getDocument = () => (document ??= buildOpenApiDocument(app, info));
  app
    .getHttpAdapter()
    .getInstance()
    .get('/api/openapi.json', (_request, reply) => reply.send(getDocument()));
  SwaggerModule.setup('api/docs', app, getDocument);
}

/** The value of placeholder secrets, so an app can be built just to read its routes; it serves no request. */
const DOCUMENT_ONLY = 'openapi-document-only';

/**
 * Builds an app (no database needed: connections are lazy) and writes its OpenAPI document to `path`.
 * `requiredSecrets`: the app's required secret settings (e.g. `API_KEYS`), given placeholders when
 * unset.
 */
export async function writeOpenApiDocument(
  createApp: () => Promise<INestApplication>,
  info: OpenApiInfo,
  path: string,
  requiredSecrets: readonly string[],
): Promise<void> {
  for (const name of requiredSecrets) {
    process.env[name] ??= DOCUMENT_ONLY;
  }
  process.env.LOG_LEVEL = 'silent';
  const app = await createApp();
  try {
    writeFileSync(
      path,
      `${JSON.stringify(buildOpenApiDocument(app, info), null, 2)}\n`,
    );
  } finally {
    await app.close();
  }
}
