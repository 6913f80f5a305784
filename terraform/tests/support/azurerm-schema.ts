import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The azurerm provider schema, read from the jsii assembly that `@cdktn/provider-azurerm` ships
 * (`.jsii`, the type model the package's TypeScript classes are generated from). Every resource and data
 * source class there takes a `...Config` struct whose properties are the Terraform arguments and blocks:
 * - the Terraform name is the anchor of the property's "Docs at Terraform Registry" link;
 * - a property without `optional` is required (blocks included: `site_config` is required, `identity` not);
 * - a property whose type is a struct (directly, or as `IResolvable | Struct[]`) is a nested block. In this
 *   provider (SDKv2) no argument is struct-typed: the generated HCL synthesis marks `isBlock: false` only
 *   for primitives and lists/maps of primitives.
 * Reading the assembly needs no provider binary and no network, which is the point.
 */

export interface AttributeSchema {
  readonly name: string;
  readonly required: boolean;
}

export interface BlockSchema {
  readonly name: string;
  readonly required: boolean;
  /** False when the block type is a single struct (the provider allows at most one). */
  readonly repeatable: boolean;
  readonly body: () => BodySchema;
}

export interface BodySchema {
  readonly attributes: ReadonlyMap<string, AttributeSchema>;
  readonly blocks: ReadonlyMap<string, BlockSchema>;
}

export interface ProviderSchema {
  readonly providerVersion: string;
  readonly resources: ReadonlyMap<string, BodySchema>;
  readonly dataSources: ReadonlyMap<string, BodySchema>;
}

interface JsiiTypeRef {
  primitive?: string;
  fqn?: string;
  collection?: { kind: string; elementtype: JsiiTypeRef };
  union?: { types: JsiiTypeRef[] };
}

interface JsiiProperty {
  name: string;
  optional?: boolean;
  static?: boolean;
  type: JsiiTypeRef;
  docs?: { summary?: string; remarks?: string };
}

interface JsiiType {
  fqn: string;
  kind: 'class' | 'interface' | 'enum';
  base?: string;
  datatype?: boolean;
  docs?: { summary?: string };
  initializer?: { parameters?: { name: string; type: JsiiTypeRef }[] };
  properties?: JsiiProperty[];
}

interface JsiiAssembly {
  types: Record<string, JsiiType>;
}

const PACKAGE = '@cdktn/provider-azurerm';
const REPRESENTS =
  /docs\/(resources|data-sources)\/[a-z0-9_]+ (azurerm_[a-z0-9_]+)\}/;
const DOC_ANCHOR = /#([a-z0-9_]+)\}/;

function snakeCase(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function terraformName(property: JsiiProperty): string {
  const docs = `${property.docs?.summary ?? ''} ${property.docs?.remarks ?? ''}`;
  return DOC_ANCHOR.exec(docs)?.[1] ?? snakeCase(property.name);
}

export function loadAzurermSchema(): ProviderSchema {
  const packageJson = require.resolve(`${PACKAGE}/package.json`);
  const root = dirname(packageJson);
  const assembly = JSON.parse(
    readFileSync(join(root, '.jsii'), 'utf8'),
  ) as JsiiAssembly;
  const bodies = new Map<string, BodySchema>();
  let providerVersion = 'unknown';

  const structOf = (ref: JsiiTypeRef): string | undefined => {
    if (ref.fqn) {
      const type = assembly.types[ref.fqn];
      return type?.kind === 'interface' && type.datatype ? ref.fqn : undefined;
    }
    if (ref.collection) {
      return structOf(ref.collection.elementtype);
    }
    return ref.union?.types.map(structOf).find((fqn) => fqn !== undefined);
  };

  const bodyOf = (fqn: string): BodySchema => {
    const cached = bodies.get(fqn);
    if (cached) {
      return cached;
    }
    const attributes = new Map<string, AttributeSchema>();
    const blocks = new Map<string, BlockSchema>();
    for (const property of assembly.types[fqn]?.properties ?? []) {
      const name = terraformName(property);
      const required = property.optional !== true;
      const struct = structOf(property.type);
      if (struct) {
        blocks.set(name, {
          name,
          required,
          repeatable: property.type.fqn === undefined,
          body: () => bodyOf(struct),
        });
      } else {
        attributes.set(name, { name, required });
      }
    }
    const body = { attributes, blocks };
    bodies.set(fqn, body);
    return body;
  };

  const resources = new Map<string, BodySchema>();
  const dataSources = new Map<string, BodySchema>();
  for (const type of Object.values(assembly.types)) {
    if (type.kind !== 'class' || !type.base) {
      continue;
    }
    const isResource = type.base === 'cdktn.TerraformResource';
    const isDataSource = type.base === 'cdktn.TerraformDataSource';
    const represents = REPRESENTS.exec(type.docs?.summary ?? '');
    const config = type.initializer?.parameters?.find(
      (p) => p.name === 'config',
    )?.type.fqn;
    if (!(isResource || isDataSource) || !represents || !config) {
      continue;
    }
    providerVersion =
      /azurerm\/([0-9.]+)\//.exec(type.docs?.summary ?? '')?.[1] ??
      providerVersion;
    const target = isResource ? resources : dataSources;
    // Bodies are resolved lazily: only the types a configuration uses are walked.
    let body: BodySchema | undefined;
    target.set(represents[2], {
      get attributes() {
        body ??= bodyOf(config);
        return body.attributes;
      },
      get blocks() {
        body ??= bodyOf(config);
        return body.blocks;
      },
    });
  }
  return { providerVersion, resources, dataSources };
}
