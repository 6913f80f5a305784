import {
  loadAzurermSchema,
  type ProviderSchema,
} from './support/azurerm-schema';
import {
  type Configuration,
  TERRAFORM_DIR,
  loadConfiguration,
  parseFiles,
} from './support/hcl';
import { checkAgainstSchema, formatProblem } from './support/schema-check';
import { join } from 'node:path';

// terraform/ itself is checked by `tofu validate` and `tofu test` with the real provider
// (scripts/check.sh); terraform/rotation/ needs azapi, which cannot be built offline, so its azurerm
// resources are linted here against the same provider's schema.
describe('azurerm schema lint of terraform/rotation/ (real provider schema)', () => {
  let schema: ProviderSchema;
  let config: Configuration;

  beforeAll(async () => {
    schema = loadAzurermSchema();
    config = await loadConfiguration(join(TERRAFORM_DIR, 'rotation'));
  });

  it('reads the azurerm 5.x schema that `tofu providers schema -json` reported', () => {
    expect(schema.providerVersion).toMatch(/^5\./);
    expect(schema.resources.size).toBeGreaterThan(1000);
    const namedValue = schema.resources.get(
      'azurerm_api_management_named_value',
    );
    expect(namedValue?.attributes.get('api_management_name')?.required).toBe(
      true,
    );
    expect(
      schema.resources
        .get('azurerm_user_assigned_identity')
        ?.attributes.has('principal_id'),
    ).toBe(false); // computed only: not an argument
    expect(schema.resources.get('azurerm_key_vault')?.attributes.get('rbac_authorization_enabled')?.required).toBe(true);
  });

  it('finds azurerm resources and data sources in terraform/rotation/ to check', () => {
    expect(
      config.resources.filter((r) => r.type.startsWith('azurerm_')).length,
    ).toBeGreaterThan(6);
    expect(config.dataSources.length).toBeGreaterThan(2);
  });

  it('accepts every azurerm resource and data source in terraform/rotation/', () => {
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
          rbac_authorization_enabled = true
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
          rbac_authorization_enabled = true
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
          rbac_authorization_enabled = true
          network_acls {
            default_action = "Deny"
            bypass         = "AzureServices"
          }
          network_acls {
            default_action = "Allow"
            bypass         = "None"
          }
        }
        resource "azurerm_role_definition" "r" {
          name  = "r"
          scope = "s"
          dynamic "permissions" {
            for_each = ["a"]
            content {
              action = [permissions.value]
            }
          }
        }`);
      expect(problems).toEqual([
        'broken.tf: azurerm_key_vault.kv (network_acls): "network_acls" may appear at most once, found 2',
        'broken.tf: azurerm_role_definition.r (dynamic.permissions.content.action): unknown argument or block "action"',
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
