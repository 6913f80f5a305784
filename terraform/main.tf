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

  # The one list of collections and indexes, generated from the apps' mongoose schemas by
  # `npm run collections` (scripts/collections.mjs); cosmos.tf declares exactly these.
  collections = jsondecode(file("${path.module}/collections.json")).apps

  # The two Function Apps. Everything that is per-app but not security-relevant (storage, plans,
  # rotation) iterates over this map; the apps themselves are written out so their network rules can
  # be read (and tested) one by one.
  apps = {
    "patient-tests" = { short = "pt", database = var.patient_tests_database_name }
    "audit"         = { short = "au", database = var.audit_database_name }
  }
}

resource "azurerm_resource_group" "this" {
  name     = "rg-${local.name}"
  location = var.location
  tags     = local.tags
}
