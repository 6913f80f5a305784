# Key Vault with RBAC authorisation, purge protection and no public network access. The apps and API
# Management reach it through the private endpoint (network.tf). Terraform itself never uses its data
# plane: secrets and the checkpoint key are written through the management plane
# (templates/key-vault-content.json), so no apply needs a network path into the VNet.
resource "azurerm_key_vault" "this" {
  #checkov:skip=CKV_AZURE_109:The network ACL default action is Deny and public network access is off; the check does not recognise the private-endpoint-only setup as restricted.
  name                          = "kv-${local.unique}"
  location                      = azurerm_resource_group.this.location
  resource_group_name           = azurerm_resource_group.this.name
  tenant_id                     = data.azurerm_client_config.current.tenant_id
  sku_name                      = "standard"
  rbac_authorization_enabled    = true
  purge_protection_enabled      = true
  soft_delete_retention_days    = 90
  public_network_access_enabled = false
  tags                          = local.tags

  network_acls {
    default_action = "Deny"
    bypass         = "AzureServices"
  }
}

resource "azurerm_monitor_diagnostic_setting" "key_vault" {
  name                       = "to-log-analytics"
  target_resource_id         = azurerm_key_vault.this.id
  log_analytics_workspace_id = azurerm_log_analytics_workspace.this.id

  enabled_log {
    category_group = "audit"
  }

  enabled_metric {
    category = "AllMetrics"
  }
}

# --- Generated secrets -----------------------------------------------------------------------------

# The header API Management adds to every request it forwards (x-gateway-secret): only a request that
# carries it may have its X-Forwarded-For / x-apim-subscription-id trusted.
resource "random_password" "gateway_secret" {
  length  = 48
  special = false
}

# The auditors' keys for the audit API's read side (list, query, verify, checkpoints, exports).
resource "random_password" "audit_reader_key" {
  length  = 48
  special = false
}

locals {
  mongodb_uri_secret_names = {
    for app in keys(local.apps) : app => "${app}-mongodb-uri"
  }

  # The secrets this module owns, with their content types: each value follows what Terraform manages
  # (a Cosmos DB account's connection string), so a change is written again.
  owned_secrets = {
    for app in keys(local.apps) : local.mongodb_uri_secret_names[app] => {
      value        = azurerm_cosmosdb_account.this[app].primary_mongodb_connection_string
      content_type = "text/plain; mongodb connection string (${app} only)"
    }
  }

  # The secrets this module only seeds: their first value is Terraform's random one, and from then on
  # they belong to the rotation runbook (docs/key-vault.md), which adds and removes keys in the vault.
  # Written by a deployment of their own that is redeployed only when a name changes, so a later apply
  # (say, for a new Cosmos DB key) never puts back the seed and drops the keys rotated in since.
  # The rotating function keys are written by terraform/rotation/.
  seeded_secrets = {
    (var.gateway_secret_name) = {
      value        = random_password.gateway_secret.result
      content_type = "text/plain; x-gateway-secret"
    }
    (var.audit_reader_keys_secret_name) = {
      value        = random_password.audit_reader_key.result
      content_type = "text/plain; comma-separated audit reader keys"
    }
  }
}

# ARM never returns secure parameters, so the provider would read back a parameters_content without
# the values and plan a redeployment (a new version of every secret) on every apply. The deployment
# therefore ignores its read-back parameters and is redeployed exactly when a value or a name changes,
# through this digest (in state; the values themselves are in state anyway).
resource "terraform_data" "key_vault_content" {
  input = sha256(jsonencode([local.owned_secrets, var.checkpoint_key_name]))
}

# The seeded secrets' deployment is redeployed only when their names change (see seeded_secrets).
resource "terraform_data" "key_vault_seed" {
  input = sha256(jsonencode(keys(local.seeded_secrets)))
}

resource "terraform_data" "key_vault_loadtest" {
  input = sha256(jsonencode([azurerm_api_management_subscription.tests.primary_key, var.loadtest_subscription_key_secret_name]))
}

resource "azurerm_resource_group_template_deployment" "key_vault_content" {
  name                = "key-vault-content"
  resource_group_name = azurerm_resource_group.this.name
  deployment_mode     = "Incremental"
  template_content    = file("${path.module}/templates/key-vault-content.json")
  tags                = local.tags

  parameters_content = jsonencode({
    vaultName         = { value = azurerm_key_vault.this.name }
    secrets           = { value = { for name, s in local.owned_secrets : name => s.value } }
    contentTypes      = { value = { for name, s in local.owned_secrets : name => s.content_type } }
    checkpointKeyName = { value = var.checkpoint_key_name }
  })

  lifecycle {
    ignore_changes       = [parameters_content]
    replace_triggered_by = [terraform_data.key_vault_content]
  }
}

resource "azurerm_resource_group_template_deployment" "key_vault_seed" {
  name                = "key-vault-seed"
  resource_group_name = azurerm_resource_group.this.name
  deployment_mode     = "Incremental"
  template_content    = file("${path.module}/templates/key-vault-content.json")
  tags                = local.tags

  parameters_content = jsonencode({
    vaultName         = { value = azurerm_key_vault.this.name }
    secrets           = { value = { for name, s in local.seeded_secrets : name => s.value } }
    contentTypes      = { value = { for name, s in local.seeded_secrets : name => s.content_type } }
    checkpointKeyName = { value = var.checkpoint_key_name }
  })

  lifecycle {
    ignore_changes       = [parameters_content]
    replace_triggered_by = [terraform_data.key_vault_seed]
  }

  # One deployment at a time into the vault (both PUT the checkpoint key).
  depends_on = [azurerm_resource_group_template_deployment.key_vault_content]
}

# The load test's subscription key, apart: it waits for API Management (45+ minutes on a first apply),
# which nothing else in the vault should.
resource "azurerm_resource_group_template_deployment" "key_vault_loadtest" {
  name                = "key-vault-loadtest"
  resource_group_name = azurerm_resource_group.this.name
  deployment_mode     = "Incremental"
  template_content    = file("${path.module}/templates/key-vault-content.json")
  tags                = local.tags

  parameters_content = jsonencode({
    vaultName         = { value = azurerm_key_vault.this.name }
    secrets           = { value = { (var.loadtest_subscription_key_secret_name) = azurerm_api_management_subscription.tests.primary_key } }
    contentTypes      = { value = { (var.loadtest_subscription_key_secret_name) = "text/plain; API Management subscription key (Automated tests)" } }
    checkpointKeyName = { value = var.checkpoint_key_name }
  })

  lifecycle {
    ignore_changes       = [parameters_content]
    replace_triggered_by = [terraform_data.key_vault_loadtest]
  }

  depends_on = [azurerm_resource_group_template_deployment.key_vault_content]
}

# --- Who reads what ("Key Vault Secrets User" on single secrets, never the whole vault) -----------

locals {
  secret_readers = {
    "patient-tests/mongodb-uri"    = { principal = local.function_principal_ids["patient-tests"], secret = local.mongodb_uri_secret_names["patient-tests"] }
    "patient-tests/gateway-secret" = { principal = local.function_principal_ids["patient-tests"], secret = var.gateway_secret_name }
    "audit/mongodb-uri"            = { principal = local.function_principal_ids["audit"], secret = local.mongodb_uri_secret_names["audit"] }
    "audit/gateway-secret"         = { principal = local.function_principal_ids["audit"], secret = var.gateway_secret_name }
    "audit/reader-keys"            = { principal = local.function_principal_ids["audit"], secret = var.audit_reader_keys_secret_name }
  }
}

resource "azurerm_role_assignment" "secret_readers" {
  for_each             = local.secret_readers
  scope                = "${azurerm_key_vault.this.id}/secrets/${each.value.secret}"
  role_definition_name = "Key Vault Secrets User"
  principal_id         = each.value.principal
  principal_type       = "ServicePrincipal"

  # A role assignment on a secret that does not exist yet fails; the scope is only a string.
  depends_on = [
    azurerm_resource_group_template_deployment.key_vault_content,
    azurerm_resource_group_template_deployment.key_vault_seed,
  ]
}

# API Management reads the gateway secret into its named value (apim.tf).
resource "azurerm_role_assignment" "apim_gateway_secret" {
  scope                = "${azurerm_key_vault.this.id}/secrets/${var.gateway_secret_name}"
  role_definition_name = "Key Vault Secrets User"
  principal_id         = azurerm_api_management.this.identity[0].principal_id
  principal_type       = "ServicePrincipal"

  depends_on = [azurerm_resource_group_template_deployment.key_vault_seed]
}

# --- The audit checkpoint key: the audit app may sign with it, nothing else; auditors read its public key

# No built-in role is sign-only: "Key Vault Crypto User" also allows encrypt, decrypt, wrap, unwrap and
# verify, and "Key Vault Crypto Service Encryption User" wraps/unwraps. keys/read returns the key's
# metadata and public part only (never the private key), and the Key Vault client reads it before
# signing.
resource "azurerm_role_definition" "checkpoint_signer" {
  name        = "Audit checkpoint signer (${local.name})"
  scope       = azurerm_key_vault.this.id
  description = "Sign with a Key Vault key and read its public part; nothing else."

  permissions {
    data_actions = [
      "Microsoft.KeyVault/vaults/keys/read",
      "Microsoft.KeyVault/vaults/keys/sign/action",
    ]
  }

  assignable_scopes = [azurerm_key_vault.this.id]
}

resource "azurerm_role_definition" "checkpoint_public_key_reader" {
  name        = "Audit checkpoint public key reader (${local.name})"
  scope       = azurerm_key_vault.this.id
  description = "Read a Key Vault key's public part, to verify signed audit checkpoints."

  permissions {
    data_actions = ["Microsoft.KeyVault/vaults/keys/read"]
  }

  assignable_scopes = [azurerm_key_vault.this.id]
}

locals {
  checkpoint_key_scope = "${azurerm_key_vault.this.id}/keys/${var.checkpoint_key_name}"
}

resource "azurerm_role_assignment" "checkpoint_signer" {
  scope              = local.checkpoint_key_scope
  role_definition_id = azurerm_role_definition.checkpoint_signer.role_definition_resource_id
  principal_id       = local.function_principal_ids["audit"]
  principal_type     = "ServicePrincipal"

  depends_on = [azurerm_resource_group_template_deployment.key_vault_content]
}

resource "azurerm_role_assignment" "checkpoint_public_key_reader" {
  for_each           = toset(var.auditor_principal_ids)
  scope              = local.checkpoint_key_scope
  role_definition_id = azurerm_role_definition.checkpoint_public_key_reader.role_definition_resource_id
  principal_id       = each.value

  depends_on = [azurerm_resource_group_template_deployment.key_vault_content]
}
