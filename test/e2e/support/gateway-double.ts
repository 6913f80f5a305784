import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  Body,
  Configuration,
  TERRAFORM_DIR,
  loadConfiguration,
} from '../../../terraform/tests/support/hcl';

/** One operation of an API, as terraform/apim.tf declares it. */
interface Operation {
  method: string;
  url_template: string;
}

/** What the backend received for one forwarded request. */
export interface Forwarded {
  path: string;
  /** The query string as forwarded, with its `?` (empty when none). */
  search: string;
  headers: Record<string, string | string[] | undefined>;
}

/** The PatientTests app behind the double, as rotation/apim.tf's backend reaches it. */
export interface PatientTestsBackend {
  /** The app's scheme and host: the backend URL is the host only. */
  origin: string;
  /** The backend's credentials: the function key the gateway sends in x-functions-key. */
  functionKey: string;
  /** A subscription key of the PatientTests product. */
  subscriptionKey: string;
  gatewaySecret: string;
}

const escapeRegExp = (text: string) =>
  text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);

// API Management's URL templates: {name} is one path segment, a trailing * the rest of the path.
const matches = (operation: Operation, method: string, path: string) =>
  operation.method === method &&
  new RegExp(
    `^${operation.url_template
      .split(/(\{[^}]+\}|\*)/)
      .map((part) =>
        part === '*'
          ? '.*'
          : part.startsWith('{')
            ? '[^/]+'
            : escapeRegExp(part),
      )
      .join('')}$`,
  ).test(path);

/** A string of the configuration with its `${local.<name>}` references replaced by their values. */
function resolveLocals(value: string, locals: Body): string {
  return value.replace(/\$\{local\.([a-z0-9_]+)\}/g, (_, name: string) => {
    const local = locals[name];
    if (typeof local !== 'string' || local.includes('${')) {
      throw new Error(`local.${name} is not a plain string`);
    }
    return local;
  });
}

function variableDefault(config: Configuration, name: string): string {
  const value = config.variables.find((v) => v.name === name)?.body.default;
  if (typeof value !== 'string') {
    throw new Error(`variable ${name} has no string default`);
  }
  return value;
}

/**
 * The PatientTests API's operations, as terraform/ publishes them: every path and method of the
 * OpenAPI document it imports (local.openapi_doc), and the FHIR operations it declares.
 */
function patientTestsOperations(config: Configuration): Operation[] {
  const document = resolveLocals(
    String(config.locals.openapi_doc),
    config.locals,
  ).replace('${path.module}', TERRAFORM_DIR);
  const { paths } = JSON.parse(readFileSync(document, 'utf8')) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const imported = Object.entries(paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => ({
      method: method.toUpperCase(),
      url_template: path,
    })),
  );
  const fhir = Object.values(
    config.locals.fhir_operations as Record<string, Operation>,
  ).map(({ method, url_template }) => ({
    method,
    url_template: resolveLocals(url_template, config.locals),
  }));
  return [...imported, ...fhir];
}

/**
 * What the PatientTests API's policy removes before forwarding, read from the policy document
 * itself (rotation/policies/patient-tests-api.xml, with the correlation header rotation/apim.tf
 * passes), so the double drops exactly what API Management would.
 */
function patientTestsPolicyDeletions(): { headers: string[]; query: string[] } {
  const xml = readFileSync(
    join(TERRAFORM_DIR, 'rotation', 'policies', 'patient-tests-api.xml'),
    'utf8',
  ).replaceAll('${correlation_id_header}', 'x-correlation-id');
  const inbound = /<inbound>([\s\S]*?)<\/inbound>/.exec(xml)?.[1] ?? '';
  const deleted = (element: string) =>
    [
      ...inbound.matchAll(
        new RegExp(`<${element} name="([^"]+)" exists-action="delete" />`, 'g'),
      ),
    ].map(([, name]) => name);
  return {
    headers: deleted('set-header').map((name) => name.toLowerCase()),
    query: deleted('set-query-parameter'),
  };
}

/** What the stand-in sends on: the operation's path, the URL with the policy's deletions made, the headers. */
interface Outbound {
  path: string;
  url: URL;
  headers: Record<string, string>;
}

/**
 * API Management as terraform/ publishes the auditors' path, for a browser test without Azure: the
 * "audit" API (exactly the operations terraform/apim.tf lists, a subscription key required) and the
 * "audit-explorer" API (the page's files, no key), each forwarding to the audit app as the policies in
 * terraform/rotation/policies/ say. The operations are read from the Terraform configuration itself;
 * the policies' header handling is restated here (what policy.spec.ts pins in the XML).
 *
 * Once `publishPatientTests` names the app, also the PatientTests API under its path (variable
 * apim_api_path): the imported JSON operations and the FHIR operations, forwarded to the host-only
 * backend with the path unchanged, minus what its policy deletes (read from the XML), with the
 * backend's function key, the gateway secret and the caller headers the policy sets.
 */
export class GatewayDouble {
  /** Every request the double forwarded, as the backend saw its path and headers. */
  readonly forwarded: Forwarded[] = [];
  private server?: Server;
  private url = '';
  private auditOperations: Operation[] = [];
  private explorerOperations: Operation[] = [];
  private patientTestsPath = '';
  private routePrefix = '';
  private patientTestsFhirPath = '';
  private patientTestsOperations: Operation[] = [];
  private patientTests?: PatientTestsBackend;

  constructor(
    private readonly backendOrigin: string,
    private readonly secrets: {
      subscriptionKey: string;
      hostKey: string;
      gatewaySecret: string;
    },
  ) {}

  /** Starts listening; answers the gateway's base URL. */
  async start(): Promise<string> {
    const config = await loadConfiguration();
    this.auditOperations = Object.values(
      config.locals.audit_reader_operations as Record<string, Operation>,
    );
    this.explorerOperations = Object.values(
      config.locals.audit_explorer_operations as Record<string, Operation>,
    );
    this.patientTestsPath = variableDefault(config, 'apim_api_path');
    this.routePrefix = resolveLocals(
      String(config.locals.app_route_prefix),
      config.locals,
    );
    this.patientTestsFhirPath = resolveLocals(
      String(config.locals.patient_tests_fhir_path),
      config.locals,
    );
    this.patientTestsOperations = patientTestsOperations(config);
    this.server = createServer((request, response) => {
      this.handle(request, response).catch(() => {
        response.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  /** Forwards the PatientTests API to this app from now on. */
  publishPatientTests(backend: PatientTestsBackend): void {
    this.patientTests = backend;
  }

  /**
   * The public URL of the PatientTests API on this gateway, built as terraform/functions.tf builds
   * patient-tests' PUBLIC_API_URL: the API's path, then the apps' route prefix.
   */
  patientTestsApiUrl(): string {
    return `${this.url}/${this.patientTestsPath}${this.routePrefix}`;
  }

  /**
   * The public FHIR base of the PatientTests API on this gateway, from what terraform/apim.tf
   * publishes: the API's path, then the FHIR operations' path.
   */
  patientTestsFhirBaseUrl(): string {
    return `${this.url}/${this.patientTestsPath}${this.patientTestsFhirPath}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://gateway');
    const [, apiPath, ...rest] = url.pathname.split('/');
    const path = `/${rest.join('/')}`;
    const method = request.method ?? 'GET';
    const api =
      apiPath === 'audit'
        ? this.auditOperations
        : apiPath === 'audit-explorer'
          ? this.explorerOperations
          : apiPath === this.patientTestsPath && this.patientTests
            ? this.patientTestsOperations
            : [];
    if (!api.some((operation) => matches(operation, method, path))) {
      return this.answer(response, 404, 'Resource not found');
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (!HOP_BY_HOP.has(name) && typeof value === 'string') {
        headers[name] = value;
      }
    }
    if (apiPath === this.patientTestsPath && this.patientTests) {
      return this.forwardToPatientTests(this.patientTests, request, response, {
        path,
        url,
        headers,
      });
    }
    const clientKey = headers['x-functions-key'];
    for (const name of [
      'x-functions-key',
      'x-forwarded-functions-key',
      'x-gateway-secret',
      'x-apim-subscription-id',
      'ocp-apim-subscription-key',
    ]) {
      delete headers[name];
    }
    url.searchParams.delete('code');
    url.searchParams.delete('subscription-key');
    if (apiPath === 'audit') {
      if (
        request.headers['ocp-apim-subscription-key'] !==
        this.secrets.subscriptionKey
      ) {
        return this.answer(
          response,
          401,
          'Access denied due to invalid subscription key.',
        );
      }
      // rotation/policies/audit-api.xml, and the backend's credentials.
      if (clientKey !== undefined) {
        headers['x-forwarded-functions-key'] = clientKey;
      }
      headers['x-functions-key'] = this.secrets.hostKey;
      headers['x-gateway-secret'] = this.secrets.gatewaySecret;
      headers['x-apim-subscription-id'] = 'auditors-e2e';
      headers['x-forwarded-for'] = request.socket.remoteAddress ?? '';
    }
    return this.forward(this.backendOrigin, request, response, {
      path,
      url,
      headers,
    });
  }

  /** rotation/policies/patient-tests-api.xml and the backend's credentials (rotation/apim.tf). */
  private forwardToPatientTests(
    backend: PatientTestsBackend,
    request: IncomingMessage,
    response: ServerResponse,
    { path, url, headers }: Outbound,
  ): Promise<void> {
    // API Management takes the key from the header, else from the query parameter.
    const subscriptionKey =
      headers['ocp-apim-subscription-key'] ??
      url.searchParams.get('subscription-key');
    if (subscriptionKey !== backend.subscriptionKey) {
      this.answer(
        response,
        401,
        'Access denied due to invalid subscription key.',
      );
      return Promise.resolve();
    }
    const deletions = patientTestsPolicyDeletions();
    for (const name of deletions.headers) {
      delete headers[name];
    }
    for (const name of deletions.query) {
      url.searchParams.delete(name);
    }
    headers['x-apim-subscription-id'] = 'patient-tests-e2e';
    headers['x-forwarded-for'] = request.socket.remoteAddress ?? '';
    headers['x-gateway-secret'] = backend.gatewaySecret;
    headers['x-functions-key'] = backend.functionKey;
    return this.forward(backend.origin, request, response, {
      path,
      url,
      headers,
    });
  }

  /** Sends the request on to `origin` + the operation's path, and its answer back. */
  private async forward(
    origin: string,
    request: IncomingMessage,
    response: ServerResponse,
    { path, url, headers }: Outbound,
  ): Promise<void> {
    const method = request.method ?? 'GET';
    this.forwarded.push({ path, search: url.search, headers });
    const body = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => resolve(Buffer.concat(chunks)));
    });
    const upstream = await fetch(`${origin}${path}${url.search}`, {
      method,
      headers,
      body: body.length > 0 ? new Uint8Array(body) : undefined,
      redirect: 'manual',
    });
    const answer: Record<string, string> = {};
    upstream.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name) && name !== 'content-encoding') {
        answer[name] = value;
      }
    });
    response.writeHead(upstream.status, answer);
    response.end(Buffer.from(await upstream.arrayBuffer()));
  }

  /** An answer of API Management's own, in its JSON shape. */
  private answer(
    response: ServerResponse,
    status: number,
    message: string,
  ): void {
    response
      .writeHead(status, { 'content-type': 'application/json' })
      .end(JSON.stringify({ statusCode: status, message }));
  }
}
