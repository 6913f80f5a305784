# Plan-level tests of terraform/ against the REAL azurerm, random and time providers (built from the Go
# module proxy by scripts/install-providers.sh), with their API calls mocked: the providers' own
# validation (required and conflicting arguments, value validators) runs on every resource, and the
# assertions below check the security properties the environment promises. Run by
# scripts/check.sh (`tofu test`).

mock_provider "azurerm" {
  # Well-formed values where the configuration passes one resource's computed attribute to another
  # argument the provider validates (resource ids, UUIDs, URLs); everything else the mock invents.
  mock_data "azurerm_client_config" {
    defaults = {
      tenant_id       = "00000000-0000-0000-0000-000000000001"
      object_id       = "00000000-0000-0000-0000-000000000002"
      subscription_id = "00000000-0000-0000-0000-000000000003"
    }
  }

  mock_resource "azurerm_resource_group" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-ptests-dev"
    }
  }

  mock_resource "azurerm_virtual_network" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-ptests-dev/providers/Microsoft.Network/virtualNetworks/vnet"
    }
  }

  mock_resource "azurerm_subnet" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-ptests-dev/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet"
    }
  }

  mock_resource "azurerm_network_security_group" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-ptests-dev/providers/Microsoft.Network/networkSecurityGroups/nsg"
    }
  }

  mock_resource "azurerm_nat_gateway" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-ptests-dev/providers/Microsoft.Network/natGateways/ng"
    }
  }

  mock_resource "azurerm_public_ip" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-ptests-dev/providers/Microsoft.Network/publicIPAddresses/pip"
    }
  }

  mock_resource "azurerm_private_dns_zone" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-ptests-dev/providers/Microsoft.Network/privateDnsZones/privatelink.example.net"
    }
  }

  mock_resource "azurerm_user_assigned_identity" {
    defaults = {
      id           = "/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-ptests-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id"
      principal_id = "00000000-0000-0000-0000-000000000010"
      client_id    = "00000000-0000-0000-0000-000000000011"
      tenant_id    = "00000000-0000-0000-0000-000000000001"
    }
  }

  mock_resource "azurerm_service_plan" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-ptests-dev/providers/Microsoft.Web/serverFarms/asp"
    }
  }

  mock_resource "azurerm_storage_account" {
    defaults = {
      id                    = "/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-ptests-dev/providers/Microsoft.Storage/storageAccounts/stexample"
      primary_blob_endpoint = "https://stexample.blob.core.windows.net/"
    }
  }

  mock_resource "azurerm_storage_container" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-ptests-dev/providers/Microsoft.Storage/storageAccounts/stexample/blobServices/default/containers/c"
    }
  }

  mock_resource "azurerm_key_vault" {
    defaults = {
      id        = "/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-ptests-dev/providers/Microsoft.KeyVault/vaults/kv-example"
      vault_uri = "https://kv-example.vault.azure.net/"
    }
  }

  mock_resource "azurerm_cosmosdb_account" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-ptests-dev/providers/Microsoft.DocumentDB/databaseAccounts/cosmos"
    }
  }

  mock_resource "azurerm_log_analytics_workspace" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-ptests-dev/providers/Microsoft.OperationalInsights/workspaces/log"
    }
  }

  mock_resource "azurerm_application_insights" {
    defaults = {
      id                = "/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-ptests-dev/providers/Microsoft.Insights/components/appi"
      connection_string = "InstrumentationKey=00000000-0000-0000-0000-000000000020"
    }
  }

  mock_resource "azurerm_api_management_logger" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-ptests-dev/providers/Microsoft.ApiManagement/service/apim/loggers/application-insights"
    }
  }

  mock_resource "azurerm_api_management_product" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-ptests-dev/providers/Microsoft.ApiManagement/service/apim/products/patient-tests"
    }
  }

  mock_resource "azurerm_role_definition" {
    defaults = {
      role_definition_resource_id = "/subscriptions/00000000-0000-0000-0000-000000000003/providers/Microsoft.Authorization/roleDefinitions/00000000-0000-0000-0000-000000000030"
    }
  }

  mock_resource "azurerm_role_assignment" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000003/providers/Microsoft.Authorization/roleAssignments/00000000-0000-0000-0000-000000000040"
    }
  }
  mock_resource "azurerm_api_management" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-ptests-dev/providers/Microsoft.ApiManagement/service/apim"
      # A block is overridden by an object, applied to each of its instances.
      identity = {
        principal_id = "00000000-0000-0000-0000-000000000050"
        tenant_id    = "00000000-0000-0000-0000-000000000001"
      }
    }
  }
}

mock_provider "random" {
  # The name suffix: storage account and Key Vault names are validated (lower-case, length).
  mock_resource "random_string" {
    defaults = {
      result = "a1b2c"
    }
  }
}
mock_provider "time" {}

variables {
  subscription_id = "00000000-0000-0000-0000-000000000003"
}

run "plan" {
  command = plan

  # --- Every data resource private --------------------------------------------------------------

  assert {
    condition     = alltrue([for a in azurerm_cosmosdb_account.this : !a.public_network_access_enabled && a.is_virtual_network_filter_enabled])
    error_message = "Every Cosmos DB account must have public network access off."
  }

  assert {
    condition     = !azurerm_key_vault.this.public_network_access_enabled && azurerm_key_vault.this.network_acls[0].default_action == "Deny"
    error_message = "Key Vault must have public network access off and deny by default."
  }

  assert {
    condition = alltrue([
      for s in concat(values(azurerm_storage_account.functions), [azurerm_storage_account.checkpoints]) :
      !s.public_network_access_enabled && !s.shared_access_key_enabled && s.network_rules[0].default_action == "Deny"
    ])
    error_message = "Every storage account must have public network access and shared keys off."
  }

  assert {
    condition = toset(keys(azurerm_private_endpoint.this)) == toset([
      "cosmos-audit", "cosmos-patient-tests", "key-vault", "st-checkpoints-blob",
      "st-audit-blob", "st-audit-queue", "st-audit-table",
      "st-patient-tests-blob", "st-patient-tests-queue", "st-patient-tests-table",
    ])
    error_message = "Every data service needs its private endpoint (both Cosmos accounts, Key Vault, every storage sub-resource in use)."
  }

  # The keys are those of the private endpoints: "checkpoints-blob" is also the moved{} target of the
  # checkpoint account's former diagnostic setting (storage.tf).
  assert {
    condition = toset(keys(azurerm_monitor_diagnostic_setting.storage)) == toset([
      for key in keys(azurerm_private_endpoint.this) : trimprefix(key, "st-") if startswith(key, "st-")
    ])
    error_message = "Every storage sub-resource in use must send its logs to Log Analytics."
  }

  # --- Both apps without public network access ------------------------------------------------------

  assert {
    condition     = alltrue([for d in azurerm_resource_group_template_deployment.function_app : jsondecode(d.parameters_content).publicNetworkAccess.value == "Disabled"])
    error_message = "Both Function Apps must be deployed with public network access Disabled."
  }

  assert {
    condition     = jsondecode(azurerm_resource_group_template_deployment.function_app["audit"].template_content).parameters.publicNetworkAccess.allowedValues == ["Disabled"]
    error_message = "The Function App template must accept nothing but Disabled for public network access."
  }

  assert {
    condition = alltrue([
      for k, v in jsondecode(azurerm_resource_group_template_deployment.function_app["audit"].template_content).resources[0].properties.siteConfig :
      v == "Deny" if endswith(k, "DefaultAction")
      ]) && length([
      for k, v in jsondecode(azurerm_resource_group_template_deployment.function_app["audit"].template_content).resources[0].properties.siteConfig :
      k if endswith(k, "DefaultAction")
    ]) == 2
    error_message = "The site and SCM access restrictions must deny by default (SCM is opened only during a deployment)."
  }

  assert {
    condition     = toset(keys(azurerm_private_endpoint.apps)) == toset(["patient-tests", "audit"])
    error_message = "Each app needs its private endpoint."
  }

  # --- Audit reachable only from patient-tests' network and API Management's ----------------------

  assert {
    condition = (
      azurerm_network_security_group.app_endpoints["audit"].security_rule != null &&
      length([
        for r in azurerm_network_security_group.app_endpoints["audit"].security_rule : r
        if r.direction == "Inbound" && r.access == "Allow"
      ]) == 1 &&
      one([
        for r in azurerm_network_security_group.app_endpoints["audit"].security_rule : r
        if r.direction == "Inbound" && r.access == "Allow"
      ]).destination_port_range == "443" &&
      one([
        for r in azurerm_network_security_group.app_endpoints["audit"].security_rule : r.source_address_prefixes
        if r.direction == "Inbound" && r.access == "Allow"
      ]) == toset([var.subnet_prefixes.patient_tests_integration, var.subnet_prefixes.apim]) &&
      one([
        for r in azurerm_network_security_group.app_endpoints["audit"].security_rule : r
        if r.direction == "Inbound" && r.access == "Deny"
      ]).source_address_prefix == "*"
    )
    error_message = "The audit app's endpoint subnet must admit only the patient-tests integration subnet and the API Management subnet (HTTPS), and deny everything else."
  }

  assert {
    condition = one([
      for r in azurerm_network_security_group.app_endpoints["patient-tests"].security_rule : r.source_address_prefixes
      if r.direction == "Inbound" && r.access == "Allow"
    ]) == toset([var.subnet_prefixes.apim])
    error_message = "The patient-tests app's endpoint subnet must admit only the API Management subnet."
  }

  assert {
    condition     = azurerm_private_endpoint.apps["audit"].subnet_id == azurerm_subnet.app_endpoints["audit"].id
    error_message = "The audit app's private endpoint must sit in its own NSG-guarded subnet."
  }

  assert {
    condition     = alltrue([for s in azurerm_subnet.app_endpoints : s.private_endpoint_network_policies == "Enabled"])
    error_message = "Network policies must be enabled on the app endpoint subnets, or their NSGs do not apply."
  }

  # --- The auditors' path: the register's read side only, in its own approved product --------------

  assert {
    condition = toset([for o in azurerm_api_management_api_operation.audit : "${o.method} ${o.url_template}"]) == toset([
      "GET /api/auditrecord", "GET /api/auditrecord/verify", "GET /api/auditrecord/export",
      "POST /api/auditrecord/checkpoints", "GET /api/auditrecord/checkpoints/latest",
      "GET /api/fhir/metadata", "GET /api/fhir/AuditEvent", "GET /api/fhir/AuditEvent/{id}",
    ])
    error_message = "The auditors' API must publish exactly the audit app's reader routes (apps/audit/src), each once."
  }

  assert {
    condition = alltrue([
      for o in concat(values(azurerm_api_management_api_operation.audit), values(azurerm_api_management_api_operation.audit_explorer)) :
      !(o.method == "POST" && trimsuffix(o.url_template, "/") == "/api/auditrecord") && !strcontains(o.url_template, "*")
    ]) && length(azurerm_api_management_api.audit.import) == 0 && length(azurerm_api_management_api.audit_explorer.import) == 0
    error_message = "The append route (POST /api/auditrecord) must never be published, nor any wildcard, nor an imported document (audit's openapi.json has the append route)."
  }

  assert {
    condition = toset([for o in azurerm_api_management_api_operation.audit_explorer : "${o.method} ${o.url_template}"]) == toset([
      "GET /api/explorer", "GET /api/explorer/explorer.js", "GET /api/explorer/explorer.css",
    ])
    error_message = "The explorer API (no subscription) must publish the page's three files and nothing else."
  }

  assert {
    condition = (
      azurerm_api_management_api.audit.subscription_required &&
      azurerm_api_management_product.auditors.subscription_required &&
      azurerm_api_management_product.auditors.approval_required &&
      azurerm_api_management_product_api.auditors.api_name == azurerm_api_management_api.audit.name &&
      azurerm_api_management_product_api.auditors.product_id == azurerm_api_management_product.auditors.product_id &&
      azurerm_api_management_product.auditors.product_id != azurerm_api_management_product.patient_tests.product_id
    )
    error_message = "The auditors' API must need a subscription, in the Auditors product, which requires a subscription and approval."
  }

  assert {
    condition = (
      azurerm_api_management_product_api.patient_tests.api_name == azurerm_api_management_api.patient_tests.name &&
      azurerm_api_management_api.audit.name != azurerm_api_management_api.patient_tests.name &&
      azurerm_api_management_subscription.tests.product_id == azurerm_api_management_product.patient_tests.id
    )
    error_message = "The PatientTests product (and its test subscription) must not include the auditors' API."
  }

  assert {
    condition = alltrue(flatten([
      for d in azurerm_api_management_api_diagnostic.auditors : [
        d.frontend_request[0].body_bytes == 0, d.backend_request[0].body_bytes == 0,
        d.frontend_response[0].body_bytes == 0, d.backend_response[0].body_bytes == 0,
        toset(["Ocp-Apim-Subscription-Key", "x-functions-key", "x-forwarded-functions-key", "x-gateway-secret"]) == toset([for h in d.frontend_request[0].data_masking[0].headers : h.value if h.mode == "Hide"]),
        toset(["Ocp-Apim-Subscription-Key", "x-functions-key", "x-forwarded-functions-key", "x-gateway-secret"]) == toset([for h in d.backend_request[0].data_masking[0].headers : h.value if h.mode == "Hide"]),
        toset(["code", "subscription-key"]) == toset([for q in d.frontend_request[0].data_masking[0].query_params : q.value if q.mode == "Hide"]),
        !anytrue([for h in setunion(d.frontend_request[0].headers_to_log, d.backend_request[0].headers_to_log) : strcontains(lower(h), "key") || strcontains(lower(h), "secret")]),
      ]
    ])) && length(azurerm_api_management_api_diagnostic.auditors) == 2
    error_message = "Both auditors' APIs need diagnostics without bodies, with every key-carrying header and query parameter hidden."
  }

  # --- The PatientTests API: the app's own paths, since the backend is the host only ----------------

  # The gateway sends <backend URL><operation path>, and the backend (rotation/apim.tf) is the host
  # only, so each operation must carry the app's route prefix, /api, as the imported ones do.
  assert {
    condition     = alltrue([for path in keys(jsondecode(azurerm_api_management_api.patient_tests.import[0].content_value).paths) : startswith(path, "/api/")])
    error_message = "The imported JSON API operations must start with /api, the apps' route prefix."
  }

  assert {
    condition = toset([for o in azurerm_api_management_api_operation.fhir : "${o.method} ${o.url_template}"]) == toset([
      "GET /api/fhir/*", "POST /api/fhir/*", "POST /api/fhir", "PUT /api/fhir/*",
    ])
    error_message = "The FHIR operations must be published on the app's FHIR path, /api/fhir (FHIR_BASE_PATH in apps/patient-tests/src/fhir/fhir-wire.ts): a path without /api reaches no route of the app (404)."
  }

  assert {
    condition = alltrue([
      for o in azurerm_api_management_api_operation.fhir : o.api_name == azurerm_api_management_api.patient_tests.name
    ])
    error_message = "The FHIR operations must belong to the PatientTests API."
  }

  # The API's path is in no header the app receives: each app builds its Location headers and FHIR
  # links on PUBLIC_API_URL, so it must be the gateway's URL of the API, route prefix included.
  assert {
    condition     = jsondecode(azurerm_resource_group_template_deployment.function_app["patient-tests"].parameters_content).appSettings.value.PUBLIC_API_URL == "https://${azurerm_api_management.this.name}.azure-api.net/${azurerm_api_management_api.patient_tests.path}/api"
    error_message = "patient-tests' PUBLIC_API_URL (JSON Location headers, FHIR links under /fhir) must be the gateway's URL of the PatientTests API: its path, then the route prefix /api its operations carry."
  }

  assert {
    condition     = jsondecode(azurerm_resource_group_template_deployment.function_app["audit"].parameters_content).appSettings.value.PUBLIC_API_URL == "https://${azurerm_api_management.this.name}.azure-api.net/${azurerm_api_management_api.audit.path}/api"
    error_message = "audit's PUBLIC_API_URL (AuditEvent links under /fhir) must be the gateway's URL of the auditors' API: its path, then the route prefix /api its operations carry."
  }

  assert {
    condition = contains([
      for q in azurerm_api_management_api_diagnostic.patient_tests.frontend_request[0].data_masking[0].query_params : q.value if q.mode == "Hide"
    ], "subscription-key")
    error_message = "The PatientTests API's diagnostic must hide the subscription key's query form in the request it logs."
  }

  # --- Every Key Vault reference versionless; secrets only in Key Vault ---------------------------

  assert {
    condition = alltrue(flatten([
      for d in azurerm_resource_group_template_deployment.function_app : [
        for name, value in jsondecode(d.parameters_content).appSettings.value :
        can(regex("^@Microsoft\\.KeyVault\\(SecretUri=https://[^/]+/secrets/[A-Za-z0-9-]+\\)$", value))
        if startswith(value, "@Microsoft.KeyVault")
      ]
    ]))
    error_message = "Every Key Vault reference must be versionless: SecretUri=<vault>/secrets/<name>, no version."
  }

  assert {
    condition = alltrue(flatten([
      for d in azurerm_resource_group_template_deployment.function_app : [
        for name, value in jsondecode(d.parameters_content).appSettings.value :
        startswith(value, "@Microsoft.KeyVault(") || contains([
          # Names, URLs and ids: not secrets.
          "AZURE_CLIENT_ID", "AzureWebJobsStorage__clientId", "KEY_VAULT_URI", "KEY_VAULT_REFRESH_SECONDS", "AUDIT_API_URL",
          "CHECKPOINT_KEY_ID", "CHECKPOINT_CONTAINER_URL",
          # Application Insights' connection string identifies the resource; it is no credential.
          "APPLICATIONINSIGHTS_CONNECTION_STRING",
        ], name) || startswith(name, "KEY_VAULT_SECRET_")
        if can(regex("(?i)(key|secret|password|uri|connection|token|client)", name))
      ]
    ]))
    error_message = "A secret-looking app setting holds a value: secrets belong in Key Vault (a reference, or KEY_VAULT_SECRET_<SETTING> naming the secret)."
  }

  assert {
    condition = alltrue(flatten([
      for d in azurerm_resource_group_template_deployment.function_app : [
        for name in ["API_KEYS", "AUDIT_API_KEY", "AUDIT_READER_KEYS", "GATEWAY_SECRET"] :
        !contains(keys(jsondecode(d.parameters_content).appSettings.value), name)
      ]
    ]))
    error_message = "Rotating secrets must not be app settings (a set value wins over the app's own Key Vault read)."
  }

  # The runbook's secrets are only seeded: a redeployment of the secrets Terraform owns (a new Cosmos DB
  # key) must not write them, or it would put back the seed and drop the keys rotated in since.
  assert {
    condition     = toset(keys(jsondecode(azurerm_resource_group_template_deployment.key_vault_seed.parameters_content).contentTypes.value)) == toset([var.gateway_secret_name, var.audit_reader_keys_secret_name])
    error_message = "The gateway secret and the auditors' reader keys must be written by the seed deployment."
  }

  assert {
    condition = length(setintersection(
      toset(keys(jsondecode(azurerm_resource_group_template_deployment.key_vault_content.parameters_content).contentTypes.value)),
      toset([var.gateway_secret_name, var.audit_reader_keys_secret_name]),
    )) == 0
    error_message = "The deployment of the secrets Terraform owns must not write a secret the rotation runbook manages."
  }

  # --- Every collection and index the app uses, declared once ---------------------------------------

  assert {
    condition = toset(keys(azurerm_cosmosdb_mongo_collection.this)) == toset(flatten([
      for app, collections in jsondecode(file("collections.json")).apps : [for name, c in collections : "${app}/${name}"]
    ]))
    error_message = "Terraform must declare exactly the collections of collections.json (npm run collections)."
  }

  assert {
    condition = alltrue(flatten([
      for app, collections in jsondecode(file("collections.json")).apps : [
        for name, c in collections : (
          azurerm_cosmosdb_mongo_collection.this["${app}/${name}"].database_name == (app == "audit" ? var.audit_database_name : var.patient_tests_database_name) &&
          azurerm_cosmosdb_mongo_collection.this["${app}/${name}"].shard_key == c.shardKey &&
          toset([for i in azurerm_cosmosdb_mongo_collection.this["${app}/${name}"].index : jsonencode([i.keys, i.unique])]) ==
          toset([for i in c.indexes : jsonencode([i.keys, i.unique]) if i.keys != ["_ts"]]) &&
          length(azurerm_cosmosdb_mongo_collection.this["${app}/${name}"].index) == length([for i in c.indexes : i if i.keys != ["_ts"]]) &&
          azurerm_cosmosdb_mongo_collection.this["${app}/${name}"].default_ttl_seconds == one([for i in c.indexes : i.expireAfterSeconds if i.keys == ["_ts"]])
        )
      ]
    ]))
    error_message = "Each collection must have exactly the indexes (and the _ts TTL) of collections.json, each once, in its app's database."
  }

  assert {
    condition     = azurerm_cosmosdb_mongo_collection.this["patient-tests/idempotency_keys"].default_ttl_seconds == 86400
    error_message = "Idempotency keys must expire after 24 hours through the _ts TTL Cosmos DB honours."
  }

  assert {
    condition     = alltrue([for a in azurerm_cosmosdb_account.this : !a.access_key_metadata_writes_enabled])
    error_message = "The apps' account keys must not change collections or indexes: Terraform owns them."
  }

  # --- Separation of duties and the checkpoint key ------------------------------------------------

  assert {
    condition     = length(azurerm_cosmosdb_account.this) == 2
    error_message = "Each app must have its own Cosmos DB account (its own credential)."
  }

  assert {
    condition = (
      azurerm_role_assignment.checkpoint_signer.scope == "${azurerm_key_vault.this.id}/keys/audit-checkpoint" &&
      toset(azurerm_role_definition.checkpoint_signer.permissions[0].data_actions) == toset([
        "Microsoft.KeyVault/vaults/keys/read", "Microsoft.KeyVault/vaults/keys/sign/action",
      ]) &&
      try(length(azurerm_role_definition.checkpoint_signer.permissions[0].actions), 0) == 0
    )
    error_message = "The audit identity may only sign with (and read the public part of) the checkpoint key."
  }

  assert {
    condition     = azurerm_storage_container_immutability_policy.checkpoints.immutability_period_in_days >= 1
    error_message = "The checkpoint container needs a time-based immutability policy."
  }
}
