import {
  loadAzurermSchema,
  type ProviderSchema,
} from './support/azurerm-schema';
import {
  type Configuration,
  loadConfiguration,
  parseFiles,
} from './support/hcl';
import { checkAgainstSchema, formatProblem } from './support/schema-check';

describe('azurerm schema check', () => {
  let schema: ProviderSchema;
  let config: Configuration;

  beforeAll(async () => {
    schema = loadAzurermSchema();
    config = await loadConfiguration();
  });

  it('reads the azurerm 4.x provider schema from @cdktn/provider-azurerm', () => {
    expect(schema.providerVersion).toMatch(/^4\./);
    expect(schema.resources.size).toBeGreaterThan(1000);
    const flex = schema.resources.get('azurerm_function_app_flex_consumption');
    expect(flex?.attributes.get('service_plan_id')?.required).toBe(true);
    expect(flex?.blocks.get('site_config')?.required).toBe(true);
    expect(flex?.attributes.has('default_hostname')).toBe(false); // computed only: not an argument
  });

  it('finds azurerm resources in the configuration to check', () => {
    expect(
      config.resources.filter((r) => r.type.startsWith('azurerm_')).length,
    ).toBeGreaterThan(40);
  });

  it('accepts every azurerm resource and data source in terraform/', () => {
    const problems = checkAgainstSchema(config, schema).map(formatProblem);
    expect(problems).toEqual([]);
  });

  describe('on a deliberately broken configuration', () => {
    const check = async (hcl: string): Promise<string[]> => {
      const broken = await parseFiles(new Map([['broken.tf', hcl]]));
      return checkAgainstSchema(broken, schema).map(formatProblem);
    };

    it('reports an unknown argument with its file and resource', async () => {
      const problems = await check(`
        resource "azurerm_resource_group" "rg" {
          name     = "rg"
          location = "westeurope"
          colour   = "blue"
        }`);
      expect(problems).toEqual([
        'broken.tf: azurerm_resource_group.rg (colour): unknown argument or block "colour"',
      ]);
    });

    it('reports a missing required argument', async () => {
      const problems = await check(`
        resource "azurerm_resource_group" "rg" {
          name = "rg"
        }`);
      expect(problems).toEqual([
        'broken.tf: azurerm_resource_group.rg: missing required argument "location"',
      ]);
    });

    it('reports a missing required block and unknown arguments inside nested blocks', async () => {
      const problems = await check(`
        resource "azurerm_key_vault" "kv" {
          name                = "kv"
          location            = "westeurope"
          resource_group_name = "rg"
          sku_name            = "standard"
          tenant_id           = "00000000-0000-0000-0000-000000000000"
          network_acls {
            default_action = "Deny"
            bypass         = "AzureServices"
            allow_all      = true
          }
        }
        resource "azurerm_private_endpoint" "pe" {
          name                = "pe"
          location            = "westeurope"
          resource_group_name = "rg"
          subnet_id           = "id"
        }`);
      expect(problems).toEqual([
        'broken.tf: azurerm_key_vault.kv (network_acls.allow_all): unknown argument or block "allow_all"',
        'broken.tf: azurerm_private_endpoint.pe: missing required block "private_service_connection"',
      ]);
    });

    it('reports a block written as an argument and an argument written as a block', async () => {
      const problems = await check(`
        resource "azurerm_key_vault" "kv" {
          name                = "kv"
          location            = "westeurope"
          resource_group_name = "rg"
          sku_name            = "standard"
          tenant_id           = "00000000-0000-0000-0000-000000000000"
          network_acls = {
            default_action = "Deny"
            bypass         = "AzureServices"
          }
          tags {
            team = "platform"
          }
        }`);
      expect(problems).toEqual([
        'broken.tf: azurerm_key_vault.kv (network_acls): "network_acls" is a block but is written as an argument (use network_acls { ... })',
        'broken.tf: azurerm_key_vault.kv (tags): "tags" is an argument but is written as a block (use tags = ...)',
      ]);
    });

    it('reports a single-instance block given twice and checks dynamic block contents', async () => {
      const problems = await check(`
        resource "azurerm_key_vault" "kv" {
          name                = "kv"
          location            = "westeurope"
          resource_group_name = "rg"
          sku_name            = "standard"
          tenant_id           = "00000000-0000-0000-0000-000000000000"
          network_acls {
            default_action = "Deny"
            bypass         = "AzureServices"
          }
          network_acls {
            default_action = "Allow"
            bypass         = "None"
          }
          dynamic "contact" {
            for_each = ["a@example.com"]
            content {
              mail = contact.value
            }
          }
        }`);
      expect(problems).toEqual([
        'broken.tf: azurerm_key_vault.kv (network_acls): "network_acls" may appear at most once, found 2',
        'broken.tf: azurerm_key_vault.kv (dynamic.contact.content.mail): unknown argument or block "mail"',
        'broken.tf: azurerm_key_vault.kv (dynamic.contact.content): missing required argument "email"',
      ]);
    });

    it('reports unknown azurerm resource and data source types', async () => {
      const problems = await check(`
        resource "azurerm_function_app_flex" "f" {}
        data "azurerm_client_configuration" "c" {}`);
      expect(problems).toEqual([
        'broken.tf: azurerm_function_app_flex.f: unknown resource type "azurerm_function_app_flex"',
        'broken.tf: data.azurerm_client_configuration.c: unknown data source type "azurerm_client_configuration"',
      ]);
    });
  });
});
