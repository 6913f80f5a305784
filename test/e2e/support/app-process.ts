import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  freePort,
  ROOT,
  waitForHealth,
} from '../../../scripts/lib/processes.cjs';

/** An app running as its own Node process from the build output, as `make dev` and production run it. */
export interface AppProcess {
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts `dist/apps/<app>/.../main.js` (run `npm run build` first) with `env`, and waits for /api/health. */
export async function startAppProcess(
  app: 'patient-tests' | 'audit',
  env: Record<string, string>,
  nodeOptions: string[] = [],
): Promise<AppProcess> {
  const entry = join(ROOT, 'dist', 'apps', app, 'apps', app, 'src', 'main.js');
  if (!existsSync(entry)) {
    throw new Error(
      `${entry} is missing: run \`npm run build\` before the e2e tests`,
    );
  }
  const port = await freePort();
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [...nodeOptions, entry], {
    cwd: ROOT,
    // Only what the test passes, so nothing from the developer's shell (e.g. a real connection string) leaks in.
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}/api`;
  try {
    await waitForHealth(`${url}/health`, { timeoutMs: 30000 });
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(
      `${app} did not start: ${(error as Error).message}\n${output}`,
    );
  }
  return {
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
