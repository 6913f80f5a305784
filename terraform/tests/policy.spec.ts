import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Configuration,
  TERRAFORM_DIR,
  blocks,
  find,
  loadConfiguration,
  one,
  parseFiles,
  single,
} from './support/hcl';
import { outputViolations } from './support/policies';

// The security properties of terraform/ itself (private data services, private apps, who may reach
// audit, versionless references, secrets only in Key Vault, collections) are asserted by `tofu test`
// on the real provider's plan (tests/main.tftest.hcl). What stays here: terraform/rotation/, which
// tofu cannot load offline (azapi), the API Management policy document, and the outputs of both.
describe('terraform policy', () => {
  let config: Configuration;
  let rotation: Configuration;

  beforeAll(async () => {
    config = await loadConfiguration();
    rotation = await loadConfiguration(join(TERRAFORM_DIR, 'rotation'));
  });

  const rotationDefault = (name: string): unknown => {
    const variable = rotation.variables.find((v) => v.name === name);
    if (!variable) {
      throw new Error(`variable ${name} not found`);
    }
    return variable.body.default;
  };

  describe('outputs', () => {
    it('marks every output that carries a key or connection string as sensitive', () => {
      expect(config.outputs.length).toBeGreaterThan(5);
      expect(outputViolations(config)).toEqual([]);
      expect(outputViolations(rotation)).toEqual([]);
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
      const forbidden = [...rotation.resources, ...rotation.dataSources].filter(
        (r) => ['null_resource', 'external', 'terraform_data'].includes(r.type),
      );
      expect(forbidden).toEqual([]);
      for (const [file, source] of rotation.sources) {
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
      expect(Object.keys(rotation.locals)).toContain('key_slots');
      expect(String(rotation.locals.key_slots)).toContain(
        'setproduct(keys(local.apps), ["a", "b"])',
      );
      const action = one(rotation, 'azapi_resource_action', 'function_key').body;
      expect(action).toMatchObject({
        for_each: '${local.key_slots}',
        type: expect.stringMatching(/^Microsoft\.Web\/sites\/host@/),
        resource_id: '${var.function_app_ids[each.value.app]}/host/default',
        action: 'functionKeys/rotating-${each.value.slot}',
        method: 'PUT',
      });
      expect(JSON.stringify(action.body)).toContain(
        'random_password.function_key[each.key].result',
      );
    });

    it('renews each key from a random_password kept by its own time_rotating', () => {
      const password = one(rotation, 'random_password', 'function_key').body;
      expect(JSON.stringify(password.keepers)).toMatch(
        /time_rotating\.key_a\[each\.value\.app\]\.id.*time_rotating\.key_b\[each\.value\.app\]\.id/,
      );
      expect(one(rotation, 'time_rotating', 'key_a').body.rotation_days).toBe(
        '${var.key_rotation_days}',
      );
      expect(one(rotation, 'time_rotating', 'key_b').body.rotation_days).toBe(
        '${var.key_rotation_days}',
      );
    });

    it('staggers key b half a period after key a, and keeps that anchor when key a rotates', () => {
      const keyB = one(rotation, 'time_rotating', 'key_b').body;
      expect(keyB.rfc3339).toBe(
        '${timeadd(time_rotating.key_a[each.key].rfc3339, "${local.half_period_hours}h")}',
      );
      expect(rotation.locals.half_period_hours).toBe(
        '${var.key_rotation_days * 12}',
      );
      expect(single(keyB, 'lifecycle').ignore_changes).toEqual(['${rfc3339}']);
    });

    it('keeps the overlap far longer than the slowest consumer refresh', () => {
      const days = rotationDefault('key_rotation_days') as number;
      const overlapSeconds = (days * 86400) / 2;
      const apimNamedValueRefreshSeconds = 4 * 3600;
      expect(overlapSeconds).toBeGreaterThan(10 * apimNamedValueRefreshSeconds);
      expect(overlapSeconds).toBeGreaterThan(
        100 * (rotationDefault('key_vault_refresh_seconds') as number),
      );
      const validation = single(
        rotation.variables.find((v) => v.name === 'key_rotation_days')!.body,
        'validation',
      );
      expect(validation.condition).toContain('var.key_rotation_days >= 2');
    });

    it('tells callers about a new key only after the apps have re-read the accepted keys', () => {
      const sleep = one(rotation, 'time_sleep', 'key_propagation').body;
      expect(sleep.create_duration).toBe(
        '${var.key_vault_refresh_seconds + 60}s',
      );
      expect(sleep.depends_on).toEqual(['${azapi_resource.accepted_keys}']);
      expect(
        one(rotation, 'azapi_resource', 'current_key').body.depends_on,
      ).toEqual(['${time_sleep.key_propagation}']);
      expect(
        one(rotation, 'azapi_resource', 'accepted_keys').body.depends_on,
      ).toContain('${azapi_resource_action.function_key}');
    });

    it('writes the rotating secrets through the management plane and grants their readers only after', () => {
      for (const name of ['accepted_keys', 'current_key']) {
        expect(one(rotation, 'azapi_resource', name).body.type).toMatch(
          /^Microsoft\.KeyVault\/vaults\/secrets@/,
        );
      }
      expect(find(rotation, 'azurerm_key_vault_secret')).toEqual([]);
      const readers = one(rotation, 'azurerm_role_assignment', 'secret_readers').body;
      expect(readers.role_definition_name).toBe('Key Vault Secrets User');
      expect(readers.depends_on).toEqual([
        '${azapi_resource.accepted_keys}',
        '${azapi_resource.current_key}',
        '${azapi_resource.gateway_key}',
      ]);
    });

    it('also replaces the master key and the default function key on key a\'s schedule', () => {
      const hostKey = one(rotation, 'azapi_resource_action', 'host_key').body;
      expect(hostKey.method).toBe('PUT');
      expect(String(one(rotation, 'random_password', 'host_key').body.for_each)).toContain(
        '["masterKey/_master", "functionKeys/default"]',
      );
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

    // tofu test pins each PUBLIC_API_URL to the gateway's URL of its API followed by app_route_prefix;
    // here that prefix is compared with the paths the apps serve (the OpenAPI document generated from
    // patient-tests' code, and the auditors' operations), on which their links are built.
    it("builds each app's PUBLIC_API_URL on its own API's path and the route prefix the apps serve under", () => {
      const prefix = String(config.locals.app_route_prefix);
      const { paths } = JSON.parse(
        readFileSync(
          join(TERRAFORM_DIR, '..', 'apps', 'patient-tests', 'openapi.json'),
          'utf8',
        ),
      ) as { paths: Record<string, unknown> };
      const served = [
        ...Object.keys(paths),
        String(config.locals.patient_tests_fhir_path),
        ...Object.values(
          config.locals.audit_reader_operations as Record<
            string,
            { url_template: string }
          >,
        ).map((operation) => operation.url_template),
      ];
      expect(served.length).toBeGreaterThan(10);
      expect(served.filter((path) => !path.startsWith(`${prefix}/`))).toEqual(
        [],
      );
      expect(config.locals.apim_api_paths).toEqual({
        'patient-tests': '${var.apim_api_path}',
        audit: '${var.apim_audit_api_path}',
      });
    });

    it('calls the PatientTests app (whose operations already start with /api) with x-functions-key from a Key Vault named value', () => {
      const backend = one(
        rotation,
        'azurerm_api_management_backend',
        'patient_tests',
      ).body;
      expect(backend.url).toBe('https://${var.patient_tests_hostname}');
      expect(single(backend, 'credentials').header).toEqual({
        'x-functions-key':
          '{{${azurerm_api_management_named_value.patient_tests_function_key.name}}}',
      });
      const named = one(
        rotation,
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
        join(TERRAFORM_DIR, 'rotation', 'policies', 'patient-tests-api.xml'),
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
      // Every forwarded request carries the gateway secret, from the Key Vault named value, whatever
      // the client sent.
      expect(xml).toContain(
        '<set-header name="x-gateway-secret" exists-action="override">\n      <value>{{${gateway_secret}}}</value>',
      );
      const policyResource = one(
        rotation,
        'azurerm_api_management_api_policy',
        'patient_tests',
      ).body;
      expect(String(policyResource.xml_content)).toContain(
        'correlation_id_header = "x-correlation-id"',
      );
      expect(String(policyResource.xml_content)).toContain(
        'gateway_secret        = var.gateway_secret_named_value',
      );
      const gateway = one(
        config,
        'azurerm_api_management_named_value',
        'gateway_secret',
      ).body;
      expect(gateway.secret).toBe(true);
      expect(single(gateway, 'value_from_key_vault').secret_id).toBe(
        '${local.kv_uri}secrets/${var.gateway_secret_name}',
      );
    });

    it("never forwards the caller's subscription key to the PatientTests app, as a header or in the query", () => {
      const xml = readFileSync(
        join(TERRAFORM_DIR, 'rotation', 'policies', 'patient-tests-api.xml'),
        'utf8',
      );
      const inbound = /<inbound>([\s\S]*?)<\/inbound>/.exec(xml)?.[1] ?? '';
      const backend = inbound.indexOf('<set-backend-service');
      expect(backend).toBeGreaterThan(0);
      for (const fragment of [
        '<set-header name="Ocp-Apim-Subscription-Key" exists-action="delete" />',
        '<set-query-parameter name="subscription-key" exists-action="delete" />',
      ]) {
        const at = inbound.indexOf(fragment);
        expect({ fragment, removedBeforeForwarding: at >= 0 && at < backend }).toEqual({
          fragment,
          removedBeforeForwarding: true,
        });
      }
      // `code` is a FHIR Observation search parameter on this API: it must reach the app.
      expect(inbound).not.toContain('<set-query-parameter name="code"');
    });
  });

  describe("the auditors' path (API Management to the audit register's read side)", () => {
    const policyXml = (name: string) =>
      readFileSync(join(TERRAFORM_DIR, 'rotation', 'policies', name), 'utf8');
    const inbound = (xml: string) =>
      /<inbound>([\s\S]*?)<\/inbound>/.exec(xml)?.[1] ?? '';

    it('sends the audit host a key of its own from a Key Vault-backed named value, never a value in configuration', () => {
      const named = one(
        rotation,
        'azurerm_api_management_named_value',
        'audit_gateway_key',
      ).body;
      expect(named.secret).toBe(true);
      expect(named).not.toHaveProperty('value');
      expect(single(named, 'value_from_key_vault').secret_id).toBe(
        '${local.kv_uri}secrets/${var.apim_audit_backend_key_secret_name}',
      );
      const backend = one(rotation, 'azurerm_api_management_backend', 'audit')
        .body;
      expect(backend.url).toBe('https://${local.audit_hostname}');
      expect(single(backend, 'credentials').header).toEqual({
        'x-functions-key':
          '{{${azurerm_api_management_named_value.audit_gateway_key.name}}}',
      });
      expect(single(backend, 'tls')).toEqual({
        validate_certificate_chain: true,
        validate_certificate_name: true,
      });
      // The page files' backend carries no key at all.
      expect(
        one(rotation, 'azurerm_api_management_backend', 'audit_explorer').body,
      ).not.toHaveProperty('credentials');
    });

    it("keeps API Management's host key out of both of audit's role lists, so the gateway alone can neither read nor append", () => {
      // The accepted (append) keys are the two rotating function keys, and nothing else.
      expect(String(rotation.locals.accepted_keys)).toContain(
        'random_password.function_key["${app}-a"].result, random_password.function_key["${app}-b"].result',
      );
      expect(String(rotation.locals.accepted_keys)).not.toContain('gateway');
      const gatewayAction = one(
        rotation,
        'azapi_resource_action',
        'gateway_key',
      ).body;
      expect(gatewayAction.action).toBe('functionKeys/apim-auditors-${each.key}');
      expect(gatewayAction.resource_id).toBe(
        '${var.function_app_ids["audit"]}/host/default',
      );
      const secret = one(rotation, 'azapi_resource', 'gateway_key').body;
      expect(secret.name).toBe('${var.apim_audit_backend_key_secret_name}');
      expect(secret.depends_on).toEqual(['${azapi_resource_action.gateway_key}']);
      expect(rotationDefault('apim_audit_backend_key_secret_name')).not.toEqual(
        rotationDefault('audit_api_keys_secret_name'),
      );
      // The reader keys are terraform/'s own random key, never a host key of the rotation.
      expect(JSON.stringify(config.locals.seeded_secrets)).toContain(
        'random_password.audit_reader_key.result',
      );
      // Only API Management reads that secret.
      const readers = rotation.locals.secret_readers as Record<
        string,
        { secret: string }
      >;
      const readersOfGatewayKey = Object.entries(readers)
        .filter(
          ([, reader]) =>
            reader.secret === '${var.apim_audit_backend_key_secret_name}',
        )
        .map(([name]) => name);
      expect(readersOfGatewayKey).toEqual(['apim/audit-backend-key']);
    });

    it("moves the auditor's key to x-forwarded-functions-key, drops any client copy, and never forwards a key in the URL", () => {
      const xml = inbound(policyXml('audit-api.xml'));
      const order = [
        '<set-query-parameter name="code" exists-action="delete" />',
        '<set-query-parameter name="subscription-key" exists-action="delete" />',
        '<set-header name="x-forwarded-functions-key" exists-action="delete" />',
        '<set-header name="x-forwarded-functions-key" exists-action="override">',
        'context.Request.Headers.GetValueOrDefault("x-functions-key", "")',
        '<set-header name="x-functions-key" exists-action="delete" />',
        '<set-header name="Ocp-Apim-Subscription-Key" exists-action="delete" />',
        '<set-header name="x-gateway-secret" exists-action="override">\n      <value>{{${gateway_secret}}}</value>',
        '<set-backend-service backend-id="${backend_id}" />',
      ].map((fragment) => xml.indexOf(fragment));
      expect(order).not.toContain(-1);
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      for (const header of ['x-apim-subscription-id', 'X-Forwarded-For']) {
        expect(xml).toContain(
          `<set-header name="${header}" exists-action="override">`,
        );
      }
      expect(xml).toMatch(
        /<rate-limit calls="\$\{rate_limit_calls\}" renewal-period="\$\{rate_limit_period\}" \/>/,
      );
      const policy = one(rotation, 'azurerm_api_management_api_policy', 'audit')
        .body;
      expect(policy.api_name).toBe('${var.api_management_audit_api_name}');
      expect(String(policy.xml_content)).toContain('policies/audit-api.xml');
      expect(String(policy.xml_content)).toContain(
        'backend_id            = azurerm_api_management_backend.audit.name',
      );
    });

    it("lets nothing key-like through to the explorer's page files, and rate-limits them per client address", () => {
      const xml = inbound(policyXml('audit-explorer-api.xml'));
      for (const header of [
        'x-functions-key',
        'Ocp-Apim-Subscription-Key',
        'x-forwarded-functions-key',
        'x-gateway-secret',
        'x-apim-subscription-id',
      ]) {
        expect(xml).toContain(
          `<set-header name="${header}" exists-action="delete" />`,
        );
      }
      for (const query of ['code', 'subscription-key']) {
        expect(xml).toContain(
          `<set-query-parameter name="${query}" exists-action="delete" />`,
        );
      }
      expect(xml).toContain('counter-key="@(context.Request.IpAddress)"');
      expect(xml).not.toContain('{{');
      const policy = one(
        rotation,
        'azurerm_api_management_api_policy',
        'audit_explorer',
      ).body;
      expect(String(policy.xml_content)).toContain(
        'azurerm_api_management_backend.audit_explorer.name',
      );
    });

    it("publishes no append operation and no imported document in the auditors' APIs", () => {
      const operations = config.locals.audit_reader_operations as Record<
        string,
        { method: string; url_template: string }
      >;
      expect(Object.keys(operations).length).toBeGreaterThan(5);
      expect(
        Object.values(operations).filter(
          (o) => o.method === 'POST' && o.url_template === '/api/auditrecord',
        ),
      ).toEqual([]);
      for (const name of ['audit', 'audit_explorer']) {
        expect(
          one(config, 'azurerm_api_management_api', name).body,
        ).not.toHaveProperty('import');
      }
    });
  });
});
