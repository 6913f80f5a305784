import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Body,
  type Configuration,
  TERRAFORM_DIR,
  blocks,
  find,
  loadConfiguration,
  one,
  parseFiles,
  single,
} from './support/hcl';
import {
  EXPECTED_CALLERS,
  PRIVATE_SERVICE_TYPES,
  VERSIONLESS_REFERENCE,
  appSettingViolations,
  functionAppAllowListViolations,
  outputViolations,
  publicAccessViolations,
} from './support/policies';

const FLEX = 'azurerm_function_app_flex_consumption';

describe('terraform policy', () => {
  let config: Configuration;

  beforeAll(async () => {
    config = await loadConfiguration();
  });

  const variableDefault = (name: string): unknown => {
    const variable = config.variables.find((v) => v.name === name);
    if (!variable) {
      throw new Error(`variable ${name} not found`);
    }
    return variable.body.default;
  };

  const flexApp = (name: string): Body => one(config, FLEX, name).body;

  describe('Function App network lockdown', () => {
    it('defines exactly the patient-tests and audit Function Apps, both on Flex Consumption', () => {
      expect(
        find(config, FLEX)
          .map((a) => a.name)
          .sort(),
      ).toEqual(['audit', 'patient_tests']);
      const legacy = config.resources.filter((r) =>
        /^azurerm_(linux_|windows_)?function_app$|^azurerm_app_service/.test(
          r.type,
        ),
      );
      expect(legacy).toEqual([]);
    });

    it.each(Object.entries(EXPECTED_CALLERS))(
      'lets %s accept traffic only from its one caller subnet, on the site and the SCM site',
      (app, subnet) => {
        expect(
          functionAppAllowListViolations(one(config, FLEX, app), subnet),
        ).toEqual([]);
      },
    );

    it('integrates each app with its own delegated subnet and routes all outbound traffic through it', () => {
      for (const [app, subnet] of [
        ['patient_tests', 'patient_tests_integration'],
        ['audit', 'audit_integration'],
      ]) {
        const body = flexApp(app);
        expect(body.virtual_network_subnet_id).toBe(
          `\${azurerm_subnet.${subnet}.id}`,
        );
        expect(single(body, 'site_config').vnet_route_all_enabled).toBe(true);
        const delegation = single(
          single(one(config, 'azurerm_subnet', subnet).body, 'delegation'),
          'service_delegation',
        );
        expect(delegation.name).toBe('Microsoft.App/environments');
      }
    });

    it('runs both apps on Node 22 with HTTPS only, TLS 1.2, basic publishing auth off and a system identity', () => {
      for (const app of ['patient_tests', 'audit']) {
        const body = flexApp(app);
        expect(body).toMatchObject({
          runtime_name: 'node',
          runtime_version: '22',
          https_only: true,
          webdeploy_publish_basic_authentication_enabled: false,
          storage_authentication_type: 'SystemAssignedIdentity',
        });
        expect(single(body, 'site_config')).toMatchObject({
          minimum_tls_version: '1.2',
          scm_minimum_tls_version: '1.2',
        });
        expect(single(body, 'identity').type).toBe('SystemAssigned');
      }
    });

    it('flags an app that also allows an IP range, a second subnet or a default Allow', async () => {
      const bad = await parseFiles(
        new Map([
          [
            'bad.tf',
            `resource "azurerm_function_app_flex_consumption" "patient_tests" {
              site_config {
                ip_restriction_default_action     = "Allow"
                scm_ip_restriction_default_action = "Deny"
                ip_restriction {
                  action                    = "Allow"
                  virtual_network_subnet_id = azurerm_subnet.apim.id
                }
                ip_restriction {
                  action     = "Allow"
                  ip_address = "0.0.0.0/0"
                }
                scm_ip_restriction {
                  action                    = "Allow"
                  virtual_network_subnet_id = azurerm_subnet.private_endpoints.id
                }
              }
            }`,
          ],
        ]),
      );
      const violations = functionAppAllowListViolations(
        one(bad, FLEX, 'patient_tests'),
        EXPECTED_CALLERS.patient_tests,
      );
      expect(violations).toEqual([
        'azurerm_function_app_flex_consumption.patient_tests: ip_restriction_default_action must be "Deny"',
        'azurerm_function_app_flex_consumption.patient_tests: expected exactly one ip_restriction, found 2',
        expect.stringContaining(
          'ip_restriction must allow only ${azurerm_subnet.apim.id}',
        ),
        'azurerm_function_app_flex_consumption.patient_tests: ip_restriction must not set ip_address',
        expect.stringContaining(
          'scm_ip_restriction must allow only ${azurerm_subnet.apim.id}',
        ),
      ]);
    });
  });

  describe('network', () => {
    it('attaches a network security group to every subnet', () => {
      const subnets = find(config, 'azurerm_subnet').map(
        (s) => `\${azurerm_subnet.${s.name}.id}`,
      );
      const associated = find(
        config,
        'azurerm_subnet_network_security_group_association',
      ).map((a) => a.body.subnet_id);
      expect(subnets.length).toBe(4);
      expect(associated.sort()).toEqual(subnets.sort());
    });

    it('gives the two caller subnets the Microsoft.Web service endpoint the allow rules rely on', () => {
      for (const subnet of ['apim', 'patient_tests_integration']) {
        expect(
          one(config, 'azurerm_subnet', subnet).body.service_endpoints,
        ).toEqual(['Microsoft.Web']);
      }
    });
  });

  describe('private data services', () => {
    it('turns public network access off on every Cosmos DB account, Key Vault and storage account', () => {
      for (const type of PRIVATE_SERVICE_TYPES) {
        expect(find(config, type).length).toBeGreaterThan(0);
      }
      expect(publicAccessViolations(config)).toEqual([]);
    });

    it('flags a storage account that leaves public network access at its default', async () => {
      const bad = await parseFiles(
        new Map([
          [
            'bad.tf',
            'resource "azurerm_storage_account" "st" {\n name = "x"\n}',
          ],
        ]),
      );
      expect(publicAccessViolations(bad)).toEqual([
        'azurerm_storage_account.st: public_network_access_enabled must be false',
      ]);
    });

    it('gives Cosmos DB, Key Vault and every storage account a private endpoint with a private DNS zone', () => {
      const endpoints = JSON.stringify(config.locals.private_endpoints);
      expect(endpoints).toContain('azurerm_cosmosdb_account.this.id');
      expect(endpoints).toContain('azurerm_key_vault.this.id');
      expect(endpoints).toMatch(
        /azurerm_storage_account\.functions\[pair\[0\]\]\.id/,
      );
      expect(endpoints).toMatch(
        /setproduct\(keys\(local\.apps\), \[\\"blob\\", \\"queue\\", \\"table\\"\]\)/,
      );
      const endpoint = one(config, 'azurerm_private_endpoint', 'this').body;
      expect(endpoint.for_each).toBe('${local.private_endpoints}');
      expect(
        single(endpoint, 'private_dns_zone_group').private_dns_zone_ids,
      ).toBeDefined();
    });

    it('uses identity-only storage: shared keys off, OAuth by default, nested items never public', () => {
      for (const st of find(config, 'azurerm_storage_account')) {
        expect(st.body).toMatchObject({
          shared_access_key_enabled: false,
          default_to_oauth_authentication: true,
          allow_nested_items_to_be_public: false,
          min_tls_version: 'TLS1_2',
        });
      }
    });

    it('protects Key Vault with RBAC authorisation and purge protection', () => {
      expect(one(config, 'azurerm_key_vault', 'this').body).toMatchObject({
        rbac_authorization_enabled: true,
        purge_protection_enabled: true,
      });
      expect(one(config, 'azurerm_key_vault', 'this').body).not.toHaveProperty(
        'access_policy',
      );
    });
  });

  describe('secrets in app settings', () => {
    it('sets every variable the patient-tests app reads, secrets as versionless Key Vault references', () => {
      const settings = flexApp('patient_tests').app_settings as Body;
      expect(Object.keys(settings)).toEqual(
        expect.arrayContaining([
          'MONGODB_URI',
          'MONGODB_DATABASE',
          'AUDIT_API_URL',
          'KEY_VAULT_SECRET_AUDIT_API_KEY',
          'AUDIT_TIMEOUT_MS',
          'APPLICATIONINSIGHTS_CONNECTION_STRING',
          'OTEL_SERVICE_NAME',
          'KEY_VAULT_URI',
          'KEY_VAULT_REFRESH_SECONDS',
        ]),
      );
      expect(settings.OTEL_SERVICE_NAME).toBe('patient-tests');
      expect(settings.MONGODB_DATABASE).toBe(
        '${azurerm_cosmosdb_mongo_database.patient_tests.name}',
      );
      expect(settings.AUDIT_API_URL).toBe(
        `https://\${${FLEX}.audit.default_hostname}/api`,
      );
      expect(settings.KEY_VAULT_URI).toBe('${local.kv_uri}');
      // The rotating audit key is read (and re-read) by the app from Key Vault, never pinned by a
      // setting, which would win over the app's own refresh.
      expect(settings).not.toHaveProperty('AUDIT_API_KEY');
      expect(config.locals.kv_uri).toBe('${azurerm_key_vault.this.vault_uri}');
      expect(appSettingViolations(one(config, FLEX, 'patient_tests'))).toEqual(
        [],
      );
    });

    it('sets every variable the audit app reads, secrets as versionless Key Vault references', () => {
      const settings = flexApp('audit').app_settings as Body;
      expect(Object.keys(settings)).toEqual(
        expect.arrayContaining([
          'MONGODB_URI',
          'MONGODB_DATABASE',
          'APPLICATIONINSIGHTS_CONNECTION_STRING',
          'OTEL_SERVICE_NAME',
          'KEY_VAULT_URI',
        ]),
      );
      expect(settings.OTEL_SERVICE_NAME).toBe('audit');
      expect(settings.MONGODB_DATABASE).toBe(
        '${azurerm_cosmosdb_mongo_database.audit.name}',
      );
      expect(appSettingViolations(one(config, FLEX, 'audit'))).toEqual([]);
    });

    it('points each reference at the secret name the apps read by default', () => {
      const secretOf = (value: unknown): unknown =>
        variableDefault(VERSIONLESS_REFERENCE.exec(String(value))?.[1] ?? '');
      const pt = flexApp('patient_tests').app_settings as Body;
      expect(secretOf(pt.MONGODB_URI)).toBe('mongodb-uri');
      expect(pt.KEY_VAULT_SECRET_AUDIT_API_KEY).toBe('${var.audit_api_key_secret_name}');
      expect(variableDefault('audit_api_key_secret_name')).toBe('audit-api-key');
      expect(variableDefault('patient_tests_api_keys_secret_name')).toBe(
        'patient-tests-api-keys',
      );
      expect(variableDefault('audit_api_keys_secret_name')).toBe(
        'audit-api-keys',
      );
      expect(variableDefault('patient_tests_database_name')).toBe(
        'patient-tests',
      );
      expect(variableDefault('audit_database_name')).toBe('audit');
    });

    it('flags a secret value, a versioned reference and a computed settings map', async () => {
      const bad = await parseFiles(
        new Map([
          [
            'bad.tf',
            `resource "azurerm_function_app_flex_consumption" "a" {
              app_settings = {
                MONGODB_URI   = azurerm_cosmosdb_account.this.primary_mongodb_connection_string
                AUDIT_API_KEY = "@Microsoft.KeyVault(SecretUri=\${local.kv_uri}secrets/\${var.audit_api_key_secret_name}/0123abcd)"
                KEY_VAULT_URI = local.kv_uri
              }
            }
            resource "azurerm_function_app_flex_consumption" "b" {
              app_settings = merge(local.common, {})
            }`,
          ],
        ]),
      );
      // hcl2json sorts keys, so violations come in alphabetical order of the setting name.
      expect(appSettingViolations(one(bad, FLEX, 'a'))).toEqual([
        expect.stringContaining(
          'AUDIT_API_KEY must be a versionless Key Vault reference',
        ),
        expect.stringContaining(
          'MONGODB_URI must be a versionless Key Vault reference',
        ),
      ]);
      expect(appSettingViolations(one(bad, FLEX, 'b'))).toEqual([
        'azurerm_function_app_flex_consumption.b: app_settings must be a literal map so it can be reviewed',
      ]);
    });

    it('writes every secret the apps read to Key Vault', () => {
      const written = find(config, 'azurerm_key_vault_secret').flatMap((s) => {
        const forEach = s.body.for_each;
        return typeof forEach === 'object' && forEach !== null
          ? Object.values(forEach as Body)
          : [];
      });
      const fromLocals = Object.values(config.locals.secrets as Body).map(
        (s) => (s as Body).name,
      );
      const names = [...written, ...fromLocals];
      for (const variable of [
        'mongodb_uri_secret_name',
        'patient_tests_api_keys_secret_name',
        'audit_api_keys_secret_name',
        'audit_api_key_secret_name',
        'apim_backend_key_secret_name',
        'appinsights_connection_string_secret_name',
      ]) {
        expect(names).toContain(`\${var.${variable}}`);
      }
    });

    it('grants Key Vault Secrets User on single secrets only, never on the whole vault', () => {
      const readers = one(
        config,
        'azurerm_role_assignment',
        'secret_readers',
      ).body;
      expect(readers.role_definition_name).toBe('Key Vault Secrets User');
      expect(readers.scope).toBe(
        '${azurerm_key_vault.this.id}/secrets/${each.value.secret}',
      );
      const vaultWide = find(config, 'azurerm_role_assignment').filter(
        (r) => r.body.scope === '${azurerm_key_vault.this.id}',
      );
      expect(vaultWide.map((r) => r.name)).toEqual([
        'deployer_secrets_officer',
      ]);
    });
  });

  describe('outputs', () => {
    it('marks every output that carries a key or connection string as sensitive', () => {
      expect(config.outputs.length).toBeGreaterThan(5);
      expect(outputViolations(config)).toEqual([]);
    });

    it('exports the test subscription key as sensitive and never the API Management master key', () => {
      const key = config.outputs.find(
        (o) => o.name === 'apim_test_subscription_key',
      );
      expect(key?.body).toMatchObject({
        sensitive: true,
        value: '${azurerm_api_management_subscription.tests.primary_key}',
      });
      expect(
        find(config, 'azurerm_api_management_subscription').map((s) => s.name),
      ).toEqual(['tests']);
    });

    it('flags a non-sensitive output of a key and any output of the master key', async () => {
      const bad = await parseFiles(
        new Map([
          [
            'bad.tf',
            `output "cosmos" {
              value = azurerm_cosmosdb_account.this.primary_mongodb_connection_string
            }
            output "master" {
              value     = data.azurerm_api_management.this.id
              sensitive = true
            }
            output "function_key" {
              value = random_password.function_key["audit-a"].result
            }`,
          ],
        ]),
      );
      expect(outputViolations(bad)).toEqual([
        'output.cosmos: exposes a secret and must be sensitive = true',
        'output.function_key: exposes a secret and must be sensitive = true',
        "output.master: must not expose API Management's own keys",
      ]);
    });
  });

  describe('key rotation', () => {
    it('uses no external programs, null resources or CLI calls', () => {
      const forbidden = [...config.resources, ...config.dataSources].filter(
        (r) => ['null_resource', 'external', 'terraform_data'].includes(r.type),
      );
      expect(forbidden).toEqual([]);
      for (const [file, source] of config.sources) {
        expect({
          file,
          provisioner: /provisioner\s+"(local|remote)-exec"/.test(source),
        }).toEqual({
          file,
          provisioner: false,
        });
      }
    });

    it('sets two named host keys per app with a PUT on host/default/functionKeys', () => {
      expect(Object.keys(config.locals)).toContain('key_slots');
      expect(String(config.locals.key_slots)).toContain(
        'setproduct(keys(local.apps), ["a", "b"])',
      );
      const action = one(config, 'azapi_resource_action', 'function_key').body;
      expect(action).toMatchObject({
        for_each: '${local.key_slots}',
        type: expect.stringMatching(/^Microsoft\.Web\/sites\/host@/),
        resource_id: '${local.function_app_ids[each.value.app]}/host/default',
        action: 'functionKeys/rotating-${each.value.slot}',
        method: 'PUT',
      });
      expect(JSON.stringify(action.body)).toContain(
        'random_password.function_key[each.key].result',
      );
    });

    it('renews each key from a random_password kept by its own time_rotating', () => {
      const password = one(config, 'random_password', 'function_key').body;
      expect(JSON.stringify(password.keepers)).toMatch(
        /time_rotating\.key_a\[each\.value\.app\]\.id.*time_rotating\.key_b\[each\.value\.app\]\.id/,
      );
      expect(one(config, 'time_rotating', 'key_a').body.rotation_days).toBe(
        '${var.key_rotation_days}',
      );
      expect(one(config, 'time_rotating', 'key_b').body.rotation_days).toBe(
        '${var.key_rotation_days}',
      );
    });

    it('staggers key b half a period after key a, and keeps that anchor when key a rotates', () => {
      const keyB = one(config, 'time_rotating', 'key_b').body;
      expect(keyB.rfc3339).toBe(
        '${timeadd(time_rotating.key_a[each.key].rfc3339, "${local.half_period_hours}h")}',
      );
      expect(config.locals.half_period_hours).toBe(
        '${var.key_rotation_days * 12}',
      );
      expect(single(keyB, 'lifecycle').ignore_changes).toEqual(['${rfc3339}']);
    });

    it('keeps the overlap far longer than the slowest consumer refresh', () => {
      const days = variableDefault('key_rotation_days') as number;
      const overlapSeconds = (days * 86400) / 2;
      const apimNamedValueRefreshSeconds = 4 * 3600;
      expect(overlapSeconds).toBeGreaterThan(10 * apimNamedValueRefreshSeconds);
      expect(overlapSeconds).toBeGreaterThan(
        100 * (variableDefault('key_vault_refresh_seconds') as number),
      );
      const validation = single(
        config.variables.find((v) => v.name === 'key_rotation_days')!.body,
        'validation',
      );
      expect(validation.condition).toContain('var.key_rotation_days >= 2');
    });

    it('tells callers about a new key only after the apps have re-read the accepted keys', () => {
      const sleep = one(config, 'time_sleep', 'key_propagation').body;
      expect(sleep.create_duration).toBe(
        '${var.key_vault_refresh_seconds + 60}s',
      );
      expect(sleep.depends_on).toEqual([
        '${azurerm_key_vault_secret.accepted_keys}',
      ]);
      expect(
        one(config, 'azurerm_key_vault_secret', 'current_key').body.depends_on,
      ).toEqual(['${time_sleep.key_propagation}']);
      expect(
        one(config, 'azurerm_key_vault_secret', 'accepted_keys').body
          .depends_on,
      ).toContain('${azapi_resource_action.function_key}');
    });
  });

  describe('API Management', () => {
    it('imports the PatientTests API from apps/patient-tests/openapi.json', () => {
      expect(config.locals.openapi_doc).toBe(
        '${path.module}/../apps/patient-tests/openapi.json',
      );
      const api = one(
        config,
        'azurerm_api_management_api',
        'patient_tests',
      ).body;
      expect(single(api, 'import')).toEqual({
        content_format: 'openapi+json',
        content_value: '${file(local.openapi_doc)}',
      });
      expect(api.subscription_required).toBe(true);
    });

    it('calls the PatientTests app (whose operations already start with /api) with x-functions-key from a Key Vault named value', () => {
      const backend = one(
        config,
        'azurerm_api_management_backend',
        'patient_tests',
      ).body;
      expect(backend.url).toBe(
        `https://\${${FLEX}.patient_tests.default_hostname}`,
      );
      expect(single(backend, 'credentials').header).toEqual({
        'x-functions-key':
          '{{${azurerm_api_management_named_value.patient_tests_function_key.name}}}',
      });
      const named = one(
        config,
        'azurerm_api_management_named_value',
        'patient_tests_function_key',
      ).body;
      expect(named.secret).toBe(true);
      expect(named).not.toHaveProperty('value');
      expect(single(named, 'value_from_key_vault').secret_id).toBe(
        '${local.kv_uri}secrets/${var.apim_backend_key_secret_name}',
      );
    });

    it('logs to Application Insights with W3C correlation, masking keys and never logging bodies', () => {
      const diagnostic = one(
        config,
        'azurerm_api_management_api_diagnostic',
        'patient_tests',
      ).body;
      expect(diagnostic.http_correlation_protocol).toBe('W3C');
      for (const direction of ['frontend_request', 'backend_request']) {
        const section = single(diagnostic, direction);
        const masked = blocks(single(section, 'data_masking'), 'headers');
        expect(masked).toEqual(
          expect.arrayContaining([
            { mode: 'Hide', value: 'x-functions-key' },
            { mode: 'Hide', value: 'Ocp-Apim-Subscription-Key' },
          ]),
        );
        expect(section.headers_to_log).not.toContain('x-functions-key');
      }
      for (const direction of [
        'frontend_request',
        'backend_request',
        'frontend_response',
        'backend_response',
      ]) {
        expect(single(diagnostic, direction).body_bytes).toBe(0);
      }
    });

    it('rate-limits per subscription and returns the correlation header, also on errors', () => {
      const xml = readFileSync(
        join(TERRAFORM_DIR, 'policies', 'patient-tests-api.xml'),
        'utf8',
      );
      expect(xml).toMatch(
        /<rate-limit calls="\$\{rate_limit_calls\}" renewal-period="\$\{rate_limit_period\}" \/>/,
      );
      for (const section of ['inbound', 'outbound', 'on-error']) {
        const body =
          new RegExp(`<${section}>([\\s\\S]*?)</${section}>`).exec(xml)?.[1] ??
          '';
        expect({
          section,
          setsCorrelationHeader: body.includes(
            '<set-header name="${correlation_id_header}"',
          ),
        }).toEqual({
          section,
          setsCorrelationHeader: true,
        });
      }
      expect(xml).toContain(
        '<set-header name="x-functions-key" exists-action="delete" />',
      );
      // The backend's trace-id correlation header passes through; the gateway fills in only its own.
      expect(xml).not.toMatch(
        /<set-header name="\$\{correlation_id_header\}" exists-action="override"/,
      );
      // The headers the apps record as actor and client address cannot come from the client.
      for (const header of ['x-apim-subscription-id', 'X-Forwarded-For']) {
        expect(xml).toContain(
          `<set-header name="${header}" exists-action="override">`,
        );
      }
      const policyResource = one(
        config,
        'azurerm_api_management_api_policy',
        'patient_tests',
      ).body;
      expect(String(policyResource.xml_content)).toContain(
        'correlation_id_header = "x-correlation-id"',
      );
    });
  });

  describe('Cosmos DB for MongoDB', () => {
    it('is a serverless MongoDB 7.0 account', () => {
      const account = one(config, 'azurerm_cosmosdb_account', 'this').body;
      expect(account).toMatchObject({
        kind: 'MongoDB',
        mongo_server_version: '7.0',
      });
      expect(blocks(account, 'capabilities').map((c) => c.name)).toContain(
        'EnableServerless',
      );
    });

    it('shards every collection on _shardKey in the right database', () => {
      const collections = find(config, 'azurerm_cosmosdb_mongo_collection');
      expect(
        Object.fromEntries(
          collections.map((c) => [
            c.body.name,
            [c.body.database_name, c.body.shard_key],
          ]),
        ),
      ).toEqual({
        patients: [
          '${azurerm_cosmosdb_mongo_database.patient_tests.name}',
          '_shardKey',
        ],
        tests: [
          '${azurerm_cosmosdb_mongo_database.patient_tests.name}',
          '_shardKey',
        ],
        audits: ['${azurerm_cosmosdb_mongo_database.audit.name}', '_shardKey'],
      });
    });

    it('indexes the fields the apps query by', () => {
      const indexes = (name: string): Body[] =>
        blocks(
          one(config, 'azurerm_cosmosdb_mongo_collection', name).body,
          'index',
        );
      const keys = (name: string): string[][] =>
        indexes(name).map((i) => i.keys as string[]);
      expect(keys('patients')).toEqual(
        expect.arrayContaining([
          ['_id'],
          ['firstName'],
          ['lastName'],
          ['postCode'],
          ['dateOfBirth'],
        ]),
      );
      expect(keys('tests')).toEqual(
        expect.arrayContaining([['_id'], ['patientId']]),
      );
      expect(keys('audits')).toEqual(
        expect.arrayContaining([
          ['_id'],
          ['createdDate'],
          ['correlationId'],
          ['resource.type', 'resource.id'],
        ]),
      );
      expect(indexes('audits')).toContainEqual({
        keys: ['_shardKey', 'sequence'],
        unique: true,
      });
    });
  });
});
