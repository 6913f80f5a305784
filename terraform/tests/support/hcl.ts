import { parse } from '@cdktf/hcl2json';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The Terraform configuration as `@cdktf/hcl2json` sees it: blocks are arrays of objects, arguments are
 * plain values, and every expression is kept as a `${...}` template string, so tests can assert on the
 * references a configuration makes without evaluating it.
 */
export type Body = Record<string, unknown>;

export interface Block {
  readonly file: string;
  readonly type: string;
  readonly name: string;
  readonly body: Body;
}

export interface Configuration {
  readonly files: readonly string[];
  readonly resources: readonly Block[];
  readonly dataSources: readonly Block[];
  readonly outputs: readonly Block[];
  readonly variables: readonly Block[];
  readonly locals: Body;
  /** Raw text of each file, for the few checks about comments (checkov skips). */
  readonly sources: ReadonlyMap<string, string>;
}

export const TERRAFORM_DIR = join(__dirname, '..', '..');

function isObject(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Body of a labelled block (`resource "t" "n" {}` parses to `{ t: { n: [ body ] } }`). */
function labelled(section: unknown, file: string): Block[] {
  if (!isObject(section)) {
    return [];
  }
  return Object.entries(section).flatMap(([type, byName]) =>
    Object.entries(byName as Body).flatMap(([name, bodies]) =>
      (bodies as Body[]).map((body) => ({ file, type, name, body })),
    ),
  );
}

function singleLabelled(section: unknown, file: string, type: string): Block[] {
  if (!isObject(section)) {
    return [];
  }
  return Object.entries(section).flatMap(([name, bodies]) =>
    (bodies as Body[]).map((body) => ({ file, type, name, body })),
  );
}

export async function parseFiles(
  files: ReadonlyMap<string, string>,
): Promise<Configuration> {
  const resources: Block[] = [];
  const dataSources: Block[] = [];
  const outputs: Block[] = [];
  const variables: Block[] = [];
  const locals: Body = {};
  for (const [file, content] of files) {
    const json = (await parse(file, content)) as Body;
    resources.push(...labelled(json.resource, file));
    dataSources.push(...labelled(json.data, file));
    outputs.push(...singleLabelled(json.output, file, 'output'));
    variables.push(...singleLabelled(json.variable, file, 'variable'));
    for (const block of (json.locals as Body[] | undefined) ?? []) {
      Object.assign(locals, block);
    }
  }
  return {
    files: [...files.keys()],
    resources,
    dataSources,
    outputs,
    variables,
    locals,
    sources: files,
  };
}

/** Every `*.tf` file directly under `terraform/` (the root module; there are no child modules). */
export async function loadConfiguration(
  dir = TERRAFORM_DIR,
): Promise<Configuration> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir)
    .filter((f) => f.endsWith('.tf'))
    .sort()) {
    const path = join(dir, entry);
    files.set(relative(join(dir, '..'), path), readFileSync(path, 'utf8'));
  }
  if (files.size === 0) {
    throw new Error(`no .tf files found in ${dir}`);
  }
  return parseFiles(files);
}

/** The only body of a nested block that must appear once (`site_config`, `identity`, ...). */
export function single(body: Body, name: string): Body {
  const value = body[name];
  if (!Array.isArray(value) || value.length !== 1 || !isObject(value[0])) {
    throw new Error(
      `expected exactly one "${name}" block, got ${JSON.stringify(value)}`,
    );
  }
  return value[0];
}

/** All bodies of a nested block that may repeat (`ip_restriction`, `index`, ...); [] when absent. */
export function blocks(body: Body, name: string): Body[] {
  const value = body[name];
  if (value === undefined) {
    return [];
  }
  if (!Array.isArray(value) || !value.every(isObject)) {
    throw new Error(
      `expected "${name}" to be blocks, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

export function find(
  config: Configuration,
  type: string,
  name?: string,
): Block[] {
  return config.resources.filter(
    (r) => r.type === type && (name === undefined || r.name === name),
  );
}

export function one(config: Configuration, type: string, name: string): Block {
  const found = find(config, type, name);
  if (found.length !== 1) {
    throw new Error(`expected one ${type}.${name}, found ${found.length}`);
  }
  return found[0];
}

export { isObject };
