# Cosmos DB for MongoDB (RU), serverless, one ACCOUNT PER APP: each service's connection string (an
# account key) reaches only its own data, so patient-tests can neither read nor write the audit
# register. README.md ("Separate database credentials") explains why not one account with MongoDB
# role-based access. Reached only through private endpoints.
resource "azurerm_cosmosdb_account" "this" {
  #checkov:skip=CKV_AZURE_100:Service-managed encryption keys are used for the sample; switching to a customer-managed key needs a Key Vault key and an identity, documented as a production step.
  #checkov:skip=CKV_AZURE_140:The MongoDB (RU) API authenticates with account keys; Entra ID data-plane auth is not available for it, so local auth cannot be disabled. Each key lives only in Key Vault and reaches one service's data.
  for_each            = local.apps
  name                = "cosmos-${local.unique}-${each.value.short}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  offer_type          = "Standard"
  kind                = "MongoDB"
  tags                = local.tags

  mongo_server_version              = "7.0"
  public_network_access_enabled     = false
  is_virtual_network_filter_enabled = true
  # Collections and indexes are Terraform's alone (from collections.json): the apps' account key may
  # not create or change them. The apps therefore start with autoIndex off in Azure (MONGODB_AUTO_INDEX).
  access_key_metadata_writes_enabled = false
  minimal_tls_version                = "Tls12"
  automatic_failover_enabled         = false

  capabilities {
    name = "EnableMongo"
  }

  capabilities {
    name = "EnableServerless"
  }

  consistency_policy {
    consistency_level = "Session"
  }

  geo_location {
    location          = azurerm_resource_group.this.location
    failover_priority = 0
  }

  backup {
    type = "Continuous"
    tier = "Continuous7Days"
  }
}

resource "azurerm_cosmosdb_mongo_database" "this" {
  for_each            = local.apps
  name                = each.value.database
  resource_group_name = azurerm_resource_group.this.name
  account_name        = azurerm_cosmosdb_account.this[each.key].name
}

locals {
  # "<app>/<collection>" => what collections.json says about it.
  mongo_collections = merge([
    for app, collections in local.collections : {
      for name, collection in collections : "${app}/${name}" => merge(collection, { app = app, name = name })
    }
  ]...)
}

# Every collection the code declares, sharded on `_shardKey`, with exactly its indexes. A TTL index of
# the code arrives here as a `_ts` TTL (the only TTL Cosmos DB for MongoDB (RU) honours; see
# scripts/collections.mjs), which the provider declares through default_ttl_seconds: that argument IS
# the `_ts` index with expireAfterSeconds (cosmosdb_mongo_collection_resource.go), not a second TTL.
resource "azurerm_cosmosdb_mongo_collection" "this" {
  for_each            = local.mongo_collections
  name                = each.value.name
  resource_group_name = azurerm_resource_group.this.name
  account_name        = azurerm_cosmosdb_account.this[each.value.app].name
  database_name       = azurerm_cosmosdb_mongo_database.this[each.value.app].name
  shard_key           = each.value.shardKey
  default_ttl_seconds = one([for i in each.value.indexes : i.expireAfterSeconds if i.keys == ["_ts"]])

  dynamic "index" {
    for_each = [for i in each.value.indexes : i if i.keys != ["_ts"]]
    content {
      keys   = index.value.keys
      unique = index.value.unique
    }
  }
}
