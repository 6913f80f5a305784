import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DomainError, NotFoundError } from '@app/shared/errors';

/** One file of the page, as it is sent. */
export interface ExplorerAsset {
  body: Buffer;
  contentType: string;
}

/** The page's files, by the name they are served under: nothing else is ever read from disk. */
const ASSET_TYPES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'explorer.js': 'text/javascript; charset=utf-8',
  'explorer.css': 'text/css; charset=utf-8',
};

/** The names the page's files are served under (`/api/explorer/<name>`). */
export const EXPLORER_FILE_NAMES = Object.keys(ASSET_TYPES);

/**
 * Where `npm run build` (scripts/build-explorer.mjs) puts the page. Beside the bundle in a Functions
 * package (scripts/package.mjs copies it there); under `dist/` of the repository for `nest start`,
 * `make dev` and the tests, which all run from its root.
 */
export const builtPageDirectories = () => [
  join(__dirname, 'explorer-ui'),
  join(process.cwd(), 'dist', 'explorer-ui'),
];

/** The explorer's static files, from the first of `directories` that has them, read once. */
export class ExplorerAssets {
  private loaded?: ReadonlyMap<string, ExplorerAsset>;

  constructor(private readonly directories: readonly string[]) {}

  get(name: string): ExplorerAsset {
    const asset = this.all().get(name);
    if (!asset) {
      throw new NotFoundError(
        'EXPLORER_ASSET_NOT_FOUND',
        'The explorer has no such file.',
      );
    }
    return asset;
  }

  private all(): ReadonlyMap<string, ExplorerAsset> {
    this.loaded ??= this.load();
    return this.loaded;
  }

  private load(): ReadonlyMap<string, ExplorerAsset> {
    const directory = this.directories.find((candidate) =>
      existsSync(join(candidate, 'index.html')),
    );
    if (!directory) {
      // A deployment without the page is a build mistake, not the client's: say so, keep the API up.
      throw new DomainError(
        'EXPLORER_NOT_BUILT',
        503,
        'The audit explorer is not part of this build (run `npm run build`).',
        { retryAfterSeconds: 300 },
      );
    }
    return new Map(
      Object.entries(ASSET_TYPES).map(([name, contentType]) => [
        name,
        { body: readFileSync(join(directory, name)), contentType },
      ]),
    );
  }
}
