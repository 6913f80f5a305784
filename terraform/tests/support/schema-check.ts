import type { BodySchema, ProviderSchema } from './azurerm-schema';
import { type Block, type Body, type Configuration, isObject } from './hcl';

/** Meta-arguments Terraform itself understands in any resource or data source body. */
const META_ARGUMENTS = new Set([
  'count',
  'for_each',
  'depends_on',
  'provider',
  'lifecycle',
  'provisioner',
  'connection',
]);

export interface SchemaProblem {
  readonly file: string;
  readonly address: string;
  readonly path: string;
  readonly message: string;
}

export function formatProblem(p: SchemaProblem): string {
  return `${p.file}: ${p.address}${p.path ? ` (${p.path})` : ''}: ${p.message}`;
}

function isBlockList(value: unknown): value is Body[] {
  return Array.isArray(value) && value.length > 0 && value.every(isObject);
}

function checkBody(
  body: Body,
  schema: BodySchema,
  path: string,
  report: (path: string, message: string) => void,
  topLevel: boolean,
): void {
  const at = (name: string): string => (path ? `${path}.${name}` : name);
  const dynamic = isObject(body.dynamic) ? body.dynamic : {};

  for (const [name, value] of Object.entries(body)) {
    if (name === 'dynamic' || (topLevel && META_ARGUMENTS.has(name))) {
      continue;
    }
    const attribute = schema.attributes.get(name);
    const block = schema.blocks.get(name);
    if (attribute) {
      if (isBlockList(value)) {
        report(
          at(name),
          `"${name}" is an argument but is written as a block (use ${name} = ...)`,
        );
      }
    } else if (block) {
      if (!isBlockList(value)) {
        report(
          at(name),
          `"${name}" is a block but is written as an argument (use ${name} { ... })`,
        );
        continue;
      }
      if (!block.repeatable && value.length > 1) {
        report(
          at(name),
          `"${name}" may appear at most once, found ${value.length}`,
        );
      }
      value.forEach((item, i) =>
        checkBody(
          item,
          block.body(),
          at(value.length > 1 ? `${name}[${i}]` : name),
          report,
          false,
        ),
      );
    } else {
      report(at(name), `unknown argument or block "${name}"`);
    }
  }

  for (const [name, generators] of Object.entries(dynamic)) {
    const block = schema.blocks.get(name);
    if (!block) {
      report(
        at(`dynamic.${name}`),
        `dynamic block "${name}" is not a block of this type`,
      );
      continue;
    }
    for (const generator of generators as Body[]) {
      for (const content of (generator.content as Body[] | undefined) ?? []) {
        checkBody(
          content,
          block.body(),
          at(`dynamic.${name}.content`),
          report,
          false,
        );
      }
    }
  }

  for (const attribute of schema.attributes.values()) {
    if (attribute.required && !(attribute.name in body)) {
      report(path, `missing required argument "${attribute.name}"`);
    }
  }
  for (const block of schema.blocks.values()) {
    if (block.required && !(block.name in body) && !(block.name in dynamic)) {
      report(path, `missing required block "${block.name}"`);
    }
  }
}

function checkBlock(
  block: Block,
  kind: 'resource' | 'data',
  schema: BodySchema | undefined,
  problems: SchemaProblem[],
): void {
  const address = `${kind === 'data' ? 'data.' : ''}${block.type}.${block.name}`;
  const report = (path: string, message: string): void => {
    problems.push({ file: block.file, address, path, message });
  };
  if (!schema) {
    report(
      '',
      `unknown ${kind === 'data' ? 'data source' : 'resource'} type "${block.type}"`,
    );
    return;
  }
  checkBody(block.body, schema, '', report, true);
}

/**
 * Checks every `azurerm_*` resource and data source against the provider schema: unknown arguments,
 * missing required arguments and blocks, arguments written as blocks and blocks written as arguments.
 * Limitation: hcl2json renders `x = [{ ... }]` exactly like a list of `x { ... }` blocks, so that one
 * spelling of "block written as an argument" cannot be told apart.
 */
export function checkAgainstSchema(
  config: Configuration,
  schema: ProviderSchema,
): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const block of config.resources.filter((r) =>
    r.type.startsWith('azurerm_'),
  )) {
    checkBlock(block, 'resource', schema.resources.get(block.type), problems);
  }
  for (const block of config.dataSources.filter((d) =>
    d.type.startsWith('azurerm_'),
  )) {
    checkBlock(block, 'data', schema.dataSources.get(block.type), problems);
  }
  return problems;
}
