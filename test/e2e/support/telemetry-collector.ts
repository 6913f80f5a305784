import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** One Application Insights envelope as the exporter sends it (the fields the tests read). */
export interface Envelope {
  name: string;
  tags: Record<string, string>;
  data: { baseType: string; baseData: Record<string, any> };
}

/**
 * A local stand-in for Application Insights' ingestion endpoint: HTTPS (the exporter rewrites http://
 * to https://) with a self-signed certificate that child processes trust through NODE_EXTRA_CA_CERTS.
 * It records every envelope the real exporter sends.
 */
export class TelemetryCollector {
  readonly envelopes: Envelope[] = [];
  readonly rawBodies: string[] = [];
  private server?: Server;
  private port = 0;

  /** The PEM file of the certificate, for NODE_EXTRA_CA_CERTS. */
  readonly caFile: string;
  private readonly keyFile: string;

  constructor() {
    const dir = mkdtempSync(join(tmpdir(), 'collector-'));
    this.caFile = join(dir, 'cert.pem');
    this.keyFile = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        this.keyFile,
        '-out',
        this.caFile,
      ],
      { stdio: 'ignore' },
    );
  }

  async start(): Promise<void> {
    this.server = createServer(
      { key: readFileSync(this.keyFile), cert: readFileSync(this.caFile) },
      (request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          const raw = Buffer.concat(chunks);
          const text = (
            request.headers['content-encoding'] === 'gzip'
              ? gunzipSync(raw)
              : raw
          ).toString('utf8');
          this.rawBodies.push(text);
          const items = (
            text.trim().startsWith('[')
              ? JSON.parse(text)
              : text
                  .trim()
                  .split('\n')
                  .map((line) => JSON.parse(line))
          ) as Envelope[];
          this.envelopes.push(...items);
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(
            JSON.stringify({
              itemsReceived: items.length,
              itemsAccepted: items.length,
              errors: [],
            }),
          );
        });
      },
    );
    await new Promise<void>((resolve) =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
    this.port = (this.server.address() as { port: number }).port;
  }

  /** A connection string whose ingestion endpoint is this collector. */
  get connectionString(): string {
    return `InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=https://127.0.0.1:${this.port}/`;
  }

  /** Waits until `predicate` holds over the envelopes received so far. */
  async waitFor(
    predicate: (envelopes: Envelope[]) => boolean,
    timeoutMs = 30000,
  ): Promise<Envelope[]> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (predicate(this.envelopes)) {
        return this.envelopes;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(
      `telemetry did not arrive in ${timeoutMs} ms; received ${this.envelopes.length} envelopes`,
    );
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}
