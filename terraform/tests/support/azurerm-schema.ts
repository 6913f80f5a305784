import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The azurerm provider schema, as the real provider reports it: `tofu providers schema -json`, written to
 * `.tools/tofu-providers/azurerm-schema.json` by terraform/scripts/check.sh from the provider built by
 * terraform/scripts/install-providers.sh (the same binary `tofu validate` and `tofu test` use on
 * terraform/). The jest lint uses it for terraform/rotation/, which cannot be validated by tofu because
 * its azapi provider cannot be built offline.
 */

export interface AttributeSchema {
  readonly name: string;
  readonly required: boolean;
}

export interface BlockSchema {
  readonly name: string;
  readonly required: boolean;
  /** False when the provider allows at most one such block. */
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

interface JsonAttribute {
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
}

interface JsonBlock {
  attributes?: Record<string, JsonAttribute>;
  block_types?: Record<
    string,
    { nesting_mode: string; block: JsonBlock; min_items?: number; max_items?: number }
  >;
}

interface JsonProviderSchemas {
  provider_schemas: Record<
    string,
    {
      resource_schemas?: Record<string, { block: JsonBlock }>;
      data_source_schemas?: Record<string, { block: JsonBlock }>;
    }
  >;
}

export const SCHEMA_FILE = join(
  __dirname,
  '..',
  '..',
  '..',
  '.tools',
  'tofu-providers',
  'azurerm-schema.json',
);

function bodyOf(block: JsonBlock): BodySchema {
  const attributes = new Map<string, AttributeSchema>();
  for (const [name, attribute] of Object.entries(block.attributes ?? {})) {
    // Computed-only attributes (ids, host names) are results, not arguments.
    if (attribute.required || attribute.optional) {
      attributes.set(name, { name, required: attribute.required === true });
    }
  }
  const blocks = new Map<string, BlockSchema>();
  for (const [name, nested] of Object.entries(block.block_types ?? {})) {
    let body: BodySchema | undefined;
    blocks.set(name, {
      name,
      required: (nested.min_items ?? 0) > 0,
      repeatable: nested.nesting_mode !== 'single' && nested.max_items !== 1,
      body: () => (body ??= bodyOf(nested.block)),
    });
  }
  return { attributes, blocks };
}

export function loadAzurermSchema(): ProviderSchema {
  if (!existsSync(SCHEMA_FILE)) {
    throw new Error(
      `${SCHEMA_FILE} is missing: run bash terraform/scripts/check.sh first (it builds the provider and writes the schema)`,
    );
  }
  const json = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as JsonProviderSchemas;
  const key = Object.keys(json.provider_schemas).find((k) =>
    k.endsWith('/hashicorp/azurerm'),
  );
  if (!key) {
    throw new Error(`${SCHEMA_FILE} holds no azurerm schema`);
  }
  const provider = json.provider_schemas[key];
  const map = (schemas: Record<string, { block: JsonBlock }> = {}) =>
    new Map(Object.entries(schemas).map(([name, s]) => [name, bodyOf(s.block)]));
  // The mirror directory names the version (install-providers.sh labels the build).
  const mirror = join(__dirname, '..', '..', '..', '.tools', 'tofu-providers');
  const azurerm = join(mirror, 'registry.opentofu.org', 'hashicorp', 'azurerm');
  const versions = existsSync(azurerm) ? readdirSync(azurerm).sort() : [];
  return {
    providerVersion: versions.at(-1) ?? 'unknown',
    resources: map(provider.resource_schemas),
    dataSources: map(provider.data_source_schemas),
  };
}
