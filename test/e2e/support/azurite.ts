import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ContainerClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import {
  freePort,
  ROOT,
  waitForPort,
} from '../../../scripts/lib/processes.cjs';

// Azurite's documented development account: a published constant, not a secret.
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** Azurite's blob service (the Storage emulator, from npm) on a free port with its own data folder. */
export class Azurite {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dataDir: string,
    readonly blobUrl: string,
  ) {}

  static async start(): Promise<Azurite> {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'e2e-azurite-'));
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'azurite', 'dist', 'src', 'blob', 'main.js'),
        '--blobHost',
        '127.0.0.1',
        '--blobPort',
        String(port),
        '--location',
        dataDir,
        '--silent',
        '--skipApiVersionCheck',
        '--disableTelemetry',
      ],
      { stdio: 'ignore' },
    );
    await waitForPort(port, { timeoutMs: 30000 });
    return new Azurite(child, dataDir, `http://127.0.0.1:${port}/${ACCOUNT}`);
  }

  /** Creates a container and answers its URL with a shared access signature of `permissions` (e.g. "rcl"). */
  async container(name: string): Promise<ContainerClient> {
    const client = new ContainerClient(
      `${this.blobUrl}/${name}`,
      new StorageSharedKeyCredential(ACCOUNT, ACCOUNT_KEY),
    );
    await client.createIfNotExists();
    return client;
  }

  /** The container's URL carrying a shared access signature with `permissions`, valid for an hour. */
  sasUrl(name: string, permissions: string): string {
    const sas = generateBlobSASQueryParameters(
      {
        containerName: name,
        permissions: ContainerSASPermissions.parse(permissions),
        expiresOn: new Date(Date.now() + 3600_000),
      },
      new StorageSharedKeyCredential(ACCOUNT, ACCOUNT_KEY),
    );
    return `${this.blobUrl}/${name}?${sas.toString()}`;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
