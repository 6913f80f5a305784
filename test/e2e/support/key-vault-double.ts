import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccessToken, TokenCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { SecretClientFactory } from '@app/shared/key-vault';
import { signDigest } from './ecdsa-p256';

/** The bearer token the stub credential hands out and the double accepts; nothing else is accepted. */
const TEST_TOKEN = `e2e-token-${randomUUID()}`;

/**
 * A credential that never leaves the machine: `DefaultAzureCredential` would probe the cloud
 * metadata address, which tests must never contact.
 */
export const stubCredential: TokenCredential = {
  getToken: (): Promise<AccessToken> =>
    Promise.resolve({
      token: TEST_TOKEN,
      expiresOnTimestamp: Date.now() + 3600_000,
    }),
};

/** A key version: its private half never leaves the double, as in Key Vault. */
interface StoredKeyVersion {
  version: string;
  /** The private scalar. */
  d: Buffer;
  publicJwk: { kty: string; crv: string; x: string; y: string };
  created: number;
}

/** Key Vault's digest length per ECDSA algorithm; a wrong length is Key Vault's BadParameter. */
const DIGEST_BYTES: Record<string, number> = { ES256: 32 };

interface StoredVersion {
  value: string;
  version: string;
  created: number;
}

/** A self-signed certificate for 127.0.0.1, made per run so no private key is committed. */
function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-key-vault-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function send(response: ServerResponse, status: number, body?: unknown) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(body === undefined ? undefined : JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * An HTTPS server speaking the Key Vault REST protocol that the real `SecretClient`, `KeyClient` and
 * `CryptographyClient` use: the bearer challenge (401 with `WWW-Authenticate` until a token is sent),
 * `GET /secrets/{name}[/{version}]`, `PUT /secrets/{name}`, `GET /keys/{name}[/{version}]` (the public
 * part only) and `POST /keys/{name}/{version}/sign` (EC P-256, ES256), each with a required
 * `api-version`, and Key Vault's error body.
 * Used because Lowkey Vault's app jar is not served by the registry these machines reach
 * (see docs/key-vault.md, "Tests").
 */
export class KeyVaultDouble {
  private readonly secrets = new Map<string, StoredVersion[]>();
  private readonly keys = new Map<string, StoredKeyVersion[]>();
  /** Every signature made, by key name, so tests can see that the vault did the signing. */
  readonly signatures = new Map<string, number>();
  /** Every authorised secret read, by secret name, so tests can see a forced refresh happen. */
  readonly reads = new Map<string, number>();

  private constructor(
    private readonly server: Server,
    private readonly certificate: string,
    readonly url: string,
  ) {}

  static async start(): Promise<KeyVaultDouble> {
    const { key, cert } = selfSignedCertificate();
    const server = createServer({ key, cert });
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    const { port } = server.address() as { port: number };
    const double = new KeyVaultDouble(
      server,
      cert,
      `https://127.0.0.1:${port}`,
    );
    server.on(
      'request',
      (request: IncomingMessage, response: ServerResponse) => {
        double.handle(request, response).catch(() => send(response, 500));
      },
    );
    return double;
  }

  /**
   * The real `SecretClient`, trusting only this server's certificate (for this client alone: TLS
   * verification stays on), with the stub credential. The challenge names login.microsoftonline.com
   * and vault.azure.net, not 127.0.0.1, hence `disableChallengeResourceVerification`. No retries, so
   * an unreachable vault is reported at once.
   */
  client(): SecretClient {
    return new SecretClient(this.url, stubCredential, {
      tlsOptions: { ca: this.certificate },
      disableChallengeResourceVerification: true,
      retryOptions: { maxRetries: 0 },
    });
  }

  /** What the apps get instead of `AzureSecretClientFactory`. */
  clientFactory(): SecretClientFactory {
    return { create: () => this.client() };
  }

  /** Sets a secret through the protocol, as an operator or Terraform would. */
  async set(name: string, value: string): Promise<void> {
    await this.client().setSecret(name, value);
  }

  /**
   * Creates a key, or a new version of it (a rotation), as Terraform would: EC P-256, sign and verify
   * only. Answers the versionless key id, what CHECKPOINT_KEY_ID holds.
   */
  createKey(name: string): string {
    const { privateKey, publicKey } = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
    });
    const jwk = publicKey.export({ format: 'jwk' });
    const stored: StoredKeyVersion = {
      version: randomUUID().replaceAll('-', ''),
      d: Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url'),
      publicJwk: { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y! },
      created: Math.floor(Date.now() / 1000),
    };
    this.keys.set(name, [...(this.keys.get(name) ?? []), stored]);
    return `${this.url}/keys/${name}`;
  }

  /** The key's current public part as a JWK, what `az keyvault key show` gives an auditor. */
  publicJwk(name: string): object {
    return this.keys.get(name)!.at(-1)!.publicJwk;
  }

  /** The same options `client()` uses, for the key and cryptography clients. */
  clientOptions() {
    return {
      tlsOptions: { ca: this.certificate },
      disableChallengeResourceVerification: true,
      retryOptions: { maxRetries: 0 },
    };
  }

  readsOf(name: string): number {
    return this.reads.get(name) ?? 0;
  }

  /** Stops answering: every connection is refused from now on, as when the vault is unreachable. */
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse) {
    const body = await readBody(request);
    const url = new URL(request.url ?? '/', this.url);
    if (request.headers.authorization !== `Bearer ${TEST_TOKEN}`) {
      // Key Vault's challenge: the client learns the tenant and the scope to ask its credential for.
      response.setHeader(
        'www-authenticate',
        'Bearer authorization="https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000", resource="https://vault.azure.net"',
      );
      return send(response, 401, {
        error: {
          code: 'Unauthorized',
          message: 'AKV10000: Request is missing a Bearer or PoP token.',
        },
      });
    }
    if (!url.searchParams.get('api-version')) {
      return send(response, 400, {
        error: {
          code: 'BadParameter',
          message: 'The api-version query parameter is required.',
        },
      });
    }
    if (url.pathname.startsWith('/keys/')) {
      return this.handleKey(request.method, url.pathname, body, response);
    }
    const match =
      /^\/secrets\/([0-9a-zA-Z-]{1,127})(?:\/([0-9a-f]*))?\/?$/.exec(
        url.pathname,
      );
    if (!match) {
      return send(response, 404, {
        error: { code: 'NotFound', message: 'No such operation.' },
      });
    }
    const [, name, version] = match;
    if (request.method === 'PUT' && !version) {
      return send(
        response,
        200,
        this.store(name, (JSON.parse(body) as { value: string }).value),
      );
    }
    if (request.method === 'GET') {
      this.reads.set(name, this.readsOf(name) + 1);
      const versions = this.secrets.get(name) ?? [];
      const found = version
        ? versions.find((v) => v.version === version)
        : versions.at(-1);
      if (!found) {
        return send(response, 404, {
          error: {
            code: 'SecretNotFound',
            message: `A secret with (name/id) ${name} was not found in this key vault.`,
          },
        });
      }
      return send(response, 200, this.bundle(name, found));
    }
    return send(response, 405, {
      error: { code: 'BadParameter', message: 'Method not allowed.' },
    });
  }

  private handleKey(
    method: string | undefined,
    path: string,
    body: string,
    response: ServerResponse,
  ) {
    const match =
      /^\/keys\/([0-9a-zA-Z-]{1,127})(?:\/([0-9a-f]*))?(\/sign)?\/?$/.exec(
        path,
      );
    const versions = match ? this.keys.get(match[1]) : undefined;
    const [, name, version, operation] = match ?? [];
    const found = version
      ? versions?.find((v) => v.version === version)
      : versions?.at(-1);
    if (!found) {
      return send(response, 404, {
        error: {
          code: 'KeyNotFound',
          message: `A key with (name/id) ${name} was not found in this key vault.`,
        },
      });
    }
    if (method === 'GET' && !operation) {
      return send(response, 200, this.keyBundle(name, found));
    }
    if (method === 'POST' && operation) {
      const { alg, value } = JSON.parse(body) as { alg: string; value: string };
      const digest = Buffer.from(value, 'base64url');
      if (DIGEST_BYTES[alg] !== digest.length) {
        return send(response, 400, {
          error: {
            code: 'BadParameter',
            message: `Invalid algorithm or digest length for ${alg}.`,
          },
        });
      }
      this.signatures.set(name, (this.signatures.get(name) ?? 0) + 1);
      // The digest is signed as is (no second hash), as Key Vault does: the client hashed the data.
      const signature = signDigest(digest, found.d);
      return send(response, 200, {
        kid: `${this.url}/keys/${name}/${found.version}`,
        value: signature.toString('base64url'),
      });
    }
    return send(response, 405, {
      error: { code: 'BadParameter', message: 'Method not allowed.' },
    });
  }

  /** A KeyBundle as Key Vault returns it: the public part only. */
  private keyBundle(name: string, stored: StoredKeyVersion) {
    return {
      key: {
        kid: `${this.url}/keys/${name}/${stored.version}`,
        ...stored.publicJwk,
        key_ops: ['sign', 'verify'],
      },
      attributes: {
        enabled: true,
        created: stored.created,
        updated: stored.created,
        recoveryLevel: 'Recoverable+Purgeable',
        recoverableDays: 90,
      },
      tags: {},
    };
  }

  private store(name: string, value: string) {
    const stored = {
      value,
      version: randomUUID().replaceAll('-', ''),
      created: Math.floor(Date.now() / 1000),
    };
    this.secrets.set(name, [...(this.secrets.get(name) ?? []), stored]);
    return this.bundle(name, stored);
  }

  /** A SecretBundle as Key Vault returns it. */
  private bundle(name: string, stored: StoredVersion) {
    return {
      value: stored.value,
      id: `${this.url}/secrets/${name}/${stored.version}`,
      attributes: {
        enabled: true,
        created: stored.created,
        updated: stored.created,
        recoveryLevel: 'Recoverable+Purgeable',
        recoverableDays: 90,
      },
      tags: {},
    };
  }
}
