import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfiguration } from '../../../terraform/tests/support/hcl';

/** One operation of an API, as terraform/apim.tf declares it. */
interface Operation {
  method: string;
  url_template: string;
}

/** What the backend received for one forwarded request. */
export interface Forwarded {
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);

const matches = (operation: Operation, method: string, path: string) =>
  operation.method === method &&
  new RegExp(`^${operation.url_template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(
    path,
  );

/**
 * API Management as terraform/ publishes the auditors' path, for a browser test without Azure: the
 * "audit" API (exactly the operations terraform/apim.tf lists, a subscription key required) and the
 * "audit-explorer" API (the page's files, no key), each forwarding to the audit app as the policies in
 * terraform/rotation/policies/ say. The operations are read from the Terraform configuration itself;
 * the policies' header handling is restated here (what policy.spec.ts pins in the XML).
 */
export class GatewayDouble {
  /** Every request the double forwarded, as the backend saw its path and headers. */
  readonly forwarded: Forwarded[] = [];
  private server?: Server;
  private auditOperations: Operation[] = [];
  private explorerOperations: Operation[] = [];

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
    this.server = createServer((request, response) => {
      this.handle(request, response).catch(() => {
        response.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
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
    this.forwarded.push({ path, headers });
    const body = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => resolve(Buffer.concat(chunks)));
    });
    const upstream = await fetch(`${this.backendOrigin}${path}${url.search}`, {
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
