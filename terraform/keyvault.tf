# Key Vault with RBAC authorisation, purge protection and no public network access. Apps, API
# Management and Terraform reach it through the private endpoint (network.tf).
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
}

# The identity running Terraform writes the secrets (data plane, through the private endpoint).
resource "azurerm_role_assignment" "deployer_secrets_officer" {
  scope                = azurerm_key_vault.this.id
  role_definition_name = "Key Vault Secrets Officer"
  principal_id         = data.azurerm_client_config.current.object_id
}

# --- Secrets ---------------------------------------------------------------------------------------
# Expiry dates are deliberately not set (CKV_AZURE_41): rotation is driven by time_rotating in
# rotation.tf, and an expiry would turn a missed pipeline run into an outage instead of a late rotation.

locals {
  secrets = {
    mongodb-uri = {
      name         = var.mongodb_uri_secret_name
      value        = azurerm_cosmosdb_account.this.primary_mongodb_connection_string
      content_type = "text/plain; mongodb connection string"
    }
    appinsights = {
      name         = var.appinsights_connection_string_secret_name
      value        = azurerm_application_insights.this.connection_string
      content_type = "text/plain; application insights connection string"
    }
  }
}

resource "azurerm_key_vault_secret" "static" {
  #checkov:skip=CKV_AZURE_41:Rotation is driven from Terraform (rotation.tf); an expiry would make a missed run an outage.
  for_each     = local.secrets
  name         = each.value.name
  value        = each.value.value
  key_vault_id = azurerm_key_vault.this.id
  content_type = each.value.content_type

  depends_on = [azurerm_role_assignment.deployer_secrets_officer, azurerm_private_endpoint.this]
}

# --- Who reads what ("Key Vault Secrets User" on single secrets, never the whole vault) -----------

locals {
  secret_readers = {
    "patient-tests/mongodb-uri"   = { principal = local.function_principal_ids["patient-tests"], secret = var.mongodb_uri_secret_name }
    "patient-tests/appinsights"   = { principal = local.function_principal_ids["patient-tests"], secret = var.appinsights_connection_string_secret_name }
    "patient-tests/api-keys"      = { principal = local.function_principal_ids["patient-tests"], secret = var.patient_tests_api_keys_secret_name }
    "patient-tests/audit-api-key" = { principal = local.function_principal_ids["patient-tests"], secret = var.audit_api_key_secret_name }
    "audit/mongodb-uri"           = { principal = local.function_principal_ids["audit"], secret = var.mongodb_uri_secret_name }
    "audit/appinsights"           = { principal = local.function_principal_ids["audit"], secret = var.appinsights_connection_string_secret_name }
    "audit/api-keys"              = { principal = local.function_principal_ids["audit"], secret = var.audit_api_keys_secret_name }
    "apim/backend-key"            = { principal = azurerm_api_management.this.identity[0].principal_id, secret = var.apim_backend_key_secret_name }
  }
}

resource "azurerm_role_assignment" "secret_readers" {
  for_each             = local.secret_readers
  scope                = "${azurerm_key_vault.this.id}/secrets/${each.value.secret}"
  role_definition_name = "Key Vault Secrets User"
  principal_id         = each.value.principal
  principal_type       = "ServicePrincipal"
}
