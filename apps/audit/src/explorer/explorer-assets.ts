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

/**
 * The page's `<meta name="audit-api-base">`, empty in the sources: the page then calls the API beside
 * itself. Filled in when the page is served where its API is elsewhere on the same origin (behind API
 * Management the page and the auditors' API have two paths; `EXPLORER_API_BASE`).
 */
const API_BASE_META = '<meta name="audit-api-base" content="" />';

const escapeAttribute = (value: string) =>
  value.replace(/[&"<>]/g, (char) => `&#${char.charCodeAt(0)};`);

/** The explorer's static files, from the first of `directories` that has them, read once. */
export class ExplorerAssets {
  private loaded?: ReadonlyMap<string, ExplorerAsset>;

  /** `apiBase`: where the page's API is, a path on the page's origin; unset, beside the page. */
  constructor(
    private readonly directories: readonly string[],
    private readonly apiBase?: string,
  ) {}

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
        {
          body: this.withApiBase(name, readFileSync(join(directory, name))),
          contentType,
        },
      ]),
    );
  }

  private withApiBase(name: string, body: Buffer): Buffer {
    if (name !== 'index.html' || this.apiBase === undefined) {
      return body;
    }
    const page = body.toString('utf8');
    if (!page.includes(API_BASE_META)) {
      // A page without the placeholder would silently call the wrong API: a build mistake.
      throw new DomainError(
        'EXPLORER_NOT_BUILT',
        503,
        'The audit explorer in this build cannot be told where its API is.',
        { retryAfterSeconds: 300 },
      );
    }
    return Buffer.from(
      page.replace(
        API_BASE_META,
        `<meta name="audit-api-base" content="${escapeAttribute(this.apiBase)}" />`,
      ),
      'utf8',
    );
  }
}
