import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// `make setup` (scripts/setup.sh) on a scratch project of its own: the real set-up scripts, and one
// dependency, a local tarball whose install script can be made to hang, so an install can be killed
// part-way through. npm ci then runs for real, offline and in a second or two.
const ROOT = path.resolve(__dirname, '..');
const SCRIPTS = [
  'scripts/setup.sh',
  'scripts/toolchain.sh',
  'scripts/lib/progress.sh',
  '.node-version',
];

const INSTALL_SCRIPT = `
const fs = require('node:fs');
if (process.env.HANG_MARKER) {
  fs.writeFileSync(process.env.HANG_MARKER, String(process.pid));
  // Bounded, so a process the test failed to kill does not outlive it for long.
  setTimeout(() => process.exit(1), 30000);
} else {
  fs.writeFileSync('installed.txt', 'yes');
}
`;

/** The fields of package.json and package-lock.json that a test changes. */
interface PackageFile {
  version: string;
  scripts?: Record<string, string>;
  packages?: Record<string, { version: string }>;
}

interface SetupRun {
  status: number | null;
  stderr: string;
}

describe('make setup (scripts/setup.sh) and its install stamp', () => {
  const scratch = mkdtempSync(path.join(tmpdir(), 'setup-spec-'));
  const modules = path.join(scratch, 'node_modules');
  const stamp = path.join(modules, '.install-stamp');
  const installed = path.join(modules, 'slow-dep', 'installed.txt');
  const env = {
    ...process.env,
    // setup.sh builds FerretDB only without MONGODB_URI: not needed here (and nothing connects).
    MONGODB_URI: 'mongodb://127.0.0.1:1/',
    PROGRESS_SECONDS: '1',
    npm_config_update_notifier: 'false',
  };

  const setup = (extraEnv: Record<string, string> = {}): SetupRun => {
    const run = spawnSync('bash', ['scripts/setup.sh'], {
      cwd: scratch,
      env: { ...env, ...extraEnv },
      encoding: 'utf8',
    });
    return { status: run.status, stderr: run.stderr };
  };

  beforeAll(() => {
    for (const file of SCRIPTS) {
      mkdirSync(path.dirname(path.join(scratch, file)), { recursive: true });
      copyFileSync(path.join(ROOT, file), path.join(scratch, file));
    }
    const dep = path.join(scratch, 'slow-dep');
    mkdirSync(dep);
    writeFileSync(
      path.join(dep, 'package.json'),
      JSON.stringify({
        name: 'slow-dep',
        version: '1.0.0',
        scripts: { install: 'node install.js' },
      }),
    );
    writeFileSync(path.join(dep, 'install.js'), INSTALL_SCRIPT);
    const npm = (...args: string[]) => {
      const run = spawnSync('npm', args, {
        cwd: scratch,
        env,
        encoding: 'utf8',
      });
      if (run.status !== 0) {
        throw new Error(`npm ${args.join(' ')}: ${run.stderr}`);
      }
    };
    npm('pack', './slow-dep', '--loglevel=error');
    writeFileSync(
      path.join(scratch, 'package.json'),
      JSON.stringify({
        name: 'scratch',
        version: '1.0.0',
        private: true,
        dependencies: { 'slow-dep': 'file:slow-dep-1.0.0.tgz' },
      }),
    );
    npm('install', '--package-lock-only', '--no-audit', '--loglevel=error');
  });

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('installs as locked, writes the stamp, and skips the install while the stamp matches', () => {
    const first = setup();
    expect(first.stderr).toContain('npm ci');
    expect(first.status).toBe(0);
    expect(readFileSync(installed, 'utf8')).toBe('yes');
    expect(existsSync(stamp)).toBe(true);

    const second = setup();
    expect(second.status).toBe(0);
    expect(second.stderr).not.toContain('npm ci');
  });

  it('redoes an install that was killed part-way, and shows progress while it ran', async () => {
    rmSync(modules, { recursive: true, force: true });
    const marker = path.join(scratch, 'hanging');
    const child = spawn('bash', ['scripts/setup.sh'], {
      cwd: scratch,
      env: { ...env, HANG_MARKER: marker },
      // Its own process group, killed whole below: bash, npm, the install script and the ticker.
      detached: true,
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      const deadline = Date.now() + 30000;
      while (!(existsSync(marker) && stderr.includes('still running'))) {
        if (Date.now() > deadline) {
          throw new Error(`the install never hung as arranged:\n${stderr}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
    }
    // Part-way: npm had unpacked the package when it was killed, but the install never finished.
    expect(existsSync(path.join(modules, 'slow-dep', 'package.json'))).toBe(
      true,
    );
    expect(existsSync(installed)).toBe(false);
    expect(existsSync(stamp)).toBe(false);

    const again = setup();
    expect(again.stderr).toContain('npm ci');
    expect(again.status).toBe(0);
    expect(readFileSync(installed, 'utf8')).toBe('yes');
    expect(existsSync(stamp)).toBe(true);
  });

  it("does not reinstall for a change to package.json's scripts", () => {
    const file = path.join(scratch, 'package.json');
    const json = JSON.parse(readFileSync(file, 'utf8')) as PackageFile;
    json.scripts = { hello: 'echo hello' };
    writeFileSync(file, JSON.stringify(json, null, 2));
    const run = setup();
    expect(run.status).toBe(0);
    expect(run.stderr).not.toContain('npm ci');
  });

  it('reinstalls when package.json and the lock file change', () => {
    expect(setup().stderr).not.toContain('npm ci');
    // The project's own version, in both files (npm ci refuses a lock that disagrees).
    const bump = (file: string) => {
      const target = path.join(scratch, file);
      const json = JSON.parse(readFileSync(target, 'utf8')) as PackageFile;
      json.version = '1.0.1';
      if (json.packages) {
        json.packages[''].version = '1.0.1';
      }
      writeFileSync(target, JSON.stringify(json, null, 2));
    };
    bump('package.json');
    bump('package-lock.json');
    const run = setup();
    expect(run.stderr).toContain('npm ci');
    expect(run.status).toBe(0);
  });
});
