import { readFileSync } from 'node:fs';
import path from 'node:path';

// npm leaves an optional dependency it cannot fetch out of the lock without a word (exit 0). A lock
// written while the registry did not serve some platforms' binaries then lacks them, and every later
// install that can fetch them adds them: package-lock.json changes and a fresh clone is dirty after
// its first `make setup`. This checks that the committed lock has every optional dependency of every
// locked package, for every platform.
interface LockEntry {
  optionalDependencies?: Record<string, string>;
}

const lock = JSON.parse(
  readFileSync(path.join(__dirname, '..', 'package-lock.json'), 'utf8'),
) as { packages: Record<string, LockEntry> };

/** Where Node would find `name` from the package at `from`: its own node_modules, then its parents'. */
function locate(from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const candidate = `${base ? `${base}/` : ''}node_modules/${name}`;
    if (lock.packages[candidate]) {
      return candidate;
    }
    if (!base) {
      return undefined;
    }
    const parent = base.lastIndexOf('/node_modules/');
    base = parent < 0 ? '' : base.slice(0, parent);
  }
}

describe('package-lock.json', () => {
  const optional = Object.entries(lock.packages).flatMap(([from, entry]) =>
    Object.keys(entry.optionalDependencies ?? {}).map((name) => ({
      from,
      name,
    })),
  );

  it('has optional dependencies to check (the lock was read)', () => {
    expect(optional.length).toBeGreaterThan(20);
  });

  it('locks every optional dependency, for every platform, so no install adds one', () => {
    const missing = optional
      .filter(({ from, name }) => locate(from, name) === undefined)
      .map(({ from, name }) => `${from || '(root)'} -> ${name}`);
    expect(missing).toEqual([]);
  });
});
