# Cosmos DB for MongoDB (RU), serverless for the sample. Reached only through its private endpoint.
resource "azurerm_cosmosdb_account" "this" {
  #checkov:skip=CKV_AZURE_100:Service-managed encryption keys are used for the sample; switching to a customer-managed key needs a Key Vault key and an identity, documented as a production step.
  #checkov:skip=CKV_AZURE_140:The MongoDB (RU) API authenticates with account keys; Entra ID data-plane auth is not available for it, so local auth cannot be disabled. The key lives only in Key Vault.
  name                = "cosmos-${local.unique}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  offer_type          = "Standard"
  kind                = "MongoDB"
  tags                = local.tags

  mongo_server_version               = "7.0"
  public_network_access_enabled      = false
  is_virtual_network_filter_enabled  = true
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

resource "azurerm_cosmosdb_mongo_database" "patient_tests" {
  name                = var.patient_tests_database_name
  resource_group_name = azurerm_resource_group.this.name
  account_name        = azurerm_cosmosdb_account.this.name
}

resource "azurerm_cosmosdb_mongo_database" "audit" {
  name                = var.audit_database_name
  resource_group_name = azurerm_resource_group.this.name
  account_name        = azurerm_cosmosdb_account.this.name
}

# Every collection is sharded on `_shardKey`, a field the apps set on each document. Indexes are the
# ones the apps query by; Cosmos DB requires the `_id` index to be declared.

resource "azurerm_cosmosdb_mongo_collection" "patients" {
  name                = "patients"
  resource_group_name = azurerm_resource_group.this.name
  account_name        = azurerm_cosmosdb_account.this.name
  database_name       = azurerm_cosmosdb_mongo_database.patient_tests.name
  shard_key           = "_shardKey"

  index {
    keys   = ["_id"]
    unique = true
  }

  # Patient search filters on any of these fields.
  index {
    keys = ["firstName"]
  }

  index {
    keys = ["lastName"]
  }

  index {
    keys = ["postCode"]
  }

  index {
    keys = ["dateOfBirth"]
  }
}

resource "azurerm_cosmosdb_mongo_collection" "tests" {
  name                = "tests"
  resource_group_name = azurerm_resource_group.this.name
  account_name        = azurerm_cosmosdb_account.this.name
  database_name       = azurerm_cosmosdb_mongo_database.patient_tests.name
  shard_key           = "_shardKey"

  index {
    keys   = ["_id"]
    unique = true
  }

  # Tests are listed per patient.
  index {
    keys = ["patientId"]
  }
}

resource "azurerm_cosmosdb_mongo_collection" "audits" {
  name                = "audits"
  resource_group_name = azurerm_resource_group.this.name
  account_name        = azurerm_cosmosdb_account.this.name
  database_name       = azurerm_cosmosdb_mongo_database.audit.name
  shard_key           = "_shardKey"

  index {
    keys   = ["_id"]
    unique = true
  }

  index {
    keys = ["createdDate"]
  }

  index {
    keys = ["correlationId"]
  }

  # "Everything that happened to this resource".
  index {
    keys = ["resource.type", "resource.id"]
  }

  # The audit hash chain: `sequence` increases within a chain and must never repeat. The chain is the
  # shard key, and Cosmos DB requires a unique index on a sharded collection to include the shard key,
  # so uniqueness is per chain, exactly what the chain needs. Unique indexes can only be created on an
  # empty collection, which is why this one is declared from the start.
  index {
    keys   = ["_shardKey", "sequence"]
    unique = true
  }
}
