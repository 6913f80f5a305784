// Builds the audit explorer's page (apps/audit/explorer-ui/) into dist/explorer-ui/ (or --out-dir):
// index.html and explorer.css as they are, and the TypeScript modules bundled by esbuild into one
// explorer.js. Part of `npm run build`; scripts/package.mjs copies the result into the audit package.
//
// Why esbuild and no framework: a handful of views over one JSON API need DOM calls, not a component
// model; esbuild is already the project's bundler (scripts/package.mjs), so the page adds no tool.
// Type-checking is `npm run typecheck` (apps/audit/explorer-ui/tsconfig.json: the DOM library).
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = path.join(ROOT, 'apps', 'audit', 'explorer-ui');

/** Writes the page into `outDir`, replacing what an earlier build left there. */
export async function buildExplorer(outDir) {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const file of ['index.html', 'explorer.css']) {
    copyFileSync(path.join(SOURCE, file), path.join(outDir, file));
  }
  await build({
    entryPoints: [path.join(SOURCE, 'src', 'main.ts')],
    outfile: path.join(outDir, 'explorer.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    // What the browsers a hospital's staff use today run natively.
    target: ['chrome120', 'firefox121', 'safari17', 'edge120'],
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      'out-dir': {
        type: 'string',
        default: path.join(ROOT, 'dist', 'explorer-ui'),
      },
    },
  });
  await buildExplorer(path.resolve(values['out-dir']));
}
