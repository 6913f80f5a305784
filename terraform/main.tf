data "azurerm_client_config" "current" {}

# Storage account and Key Vault names are global; a short random suffix keeps them unique per
# environment without asking the operator to invent one.
resource "random_string" "suffix" {
  length  = 5
  lower   = true
  upper   = false
  numeric = true
  special = false
}

locals {
  name        = "${var.name}-${var.environment}"
  compact     = replace(local.name, "-", "")
  unique      = "${substr(local.compact, 0, 14)}${random_string.suffix.result}"
  tags        = merge(var.tags, { application = var.name, environment = var.environment })
  kv_uri      = azurerm_key_vault.this.vault_uri
  openapi_doc = "${path.module}/../apps/patient-tests/openapi.json"

  # The two Function Apps. Everything that is per-app but not security-relevant (storage, plans,
  # rotation) iterates over this map; the apps themselves are written out so their network rules can
  # be read (and tested) one by one.
  apps = {
    "patient-tests" = { short = "pt" }
    "audit"         = { short = "au" }
  }

  # Versionless Key Vault references: the platform resolves the latest version of each secret, so a
  # rotation written to Key Vault reaches the apps without a redeploy.
  kv_reference = {
    for key, secret_name in {
      mongodb_uri   = var.mongodb_uri_secret_name
      audit_api_key = var.audit_api_key_secret_name
      appinsights   = var.appinsights_connection_string_secret_name
    } : key => "@Microsoft.KeyVault(SecretUri=${local.kv_uri}secrets/${secret_name})"
  }
}

resource "azurerm_resource_group" "this" {
  name     = "rg-${local.name}"
  location = var.location
  tags     = local.tags
}
