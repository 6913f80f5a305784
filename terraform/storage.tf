# One storage account per Function App: it holds the app's deployment package (Flex Consumption
# "blobContainer" deployment storage) and the Functions host's own state (keys, leases, timers).
# Identity-only access: no shared keys, no public network access, private endpoints for blob, queue
# and table (network.tf).
resource "azurerm_storage_account" "functions" {
  #checkov:skip=CKV2_AZURE_1:Microsoft-managed keys are sufficient for deployment packages and host state; no patient data is stored here.
  #checkov:skip=CKV_AZURE_33:Queue logging is configured through the data plane, which is unreachable (no shared keys, no public access); diagnostic settings send the queue logs to Log Analytics instead.
  #checkov:skip=CKV2_AZURE_41:Shared keys are disabled, so no SAS token can be issued and a SAS expiration policy has nothing to govern.
  #checkov:skip=CKV_AZURE_206:Holds only rebuildable data (the package CI uploads and the Functions host's leases and keys); zone-redundant storage is enough.
  #checkov:skip=CKV2_AZURE_33:The blob, queue and table private endpoints are created in network.tf from a for_each map that checkov's graph does not resolve for every instance.
  for_each                          = local.apps
  name                              = "st${substr(local.unique, 0, 19)}${each.value.short}"
  location                          = azurerm_resource_group.this.location
  resource_group_name               = azurerm_resource_group.this.name
  account_kind                      = "StorageV2"
  account_tier                      = "Standard"
  account_replication_type          = "ZRS"
  min_tls_version                   = "TLS1_2"
  https_traffic_only_enabled        = true
  shared_access_key_enabled         = false
  default_to_oauth_authentication   = true
  public_network_access_enabled     = false
  allow_nested_items_to_be_public   = false
  cross_tenant_replication_enabled  = false
  infrastructure_encryption_enabled = true
  local_user_enabled                = false
  tags                              = local.tags

  network_rules {
    default_action = "Deny"
    bypass         = ["AzureServices"]
  }

  blob_properties {
    delete_retention_policy {
      days = 7
    }
    container_delete_retention_policy {
      days = 7
    }
  }
}

# Created through the resource manager API (storage_account_id), which works with shared keys and
# public access both disabled.
resource "azurerm_storage_container" "deployments" {
  #checkov:skip=CKV2_AZURE_21:Blob read logging is enabled through the diagnostic setting on the blob service below, which checkov does not relate to the container.
  for_each              = local.apps
  name                  = "deployments"
  storage_account_id    = azurerm_storage_account.functions[each.key].id
  container_access_type = "private"
}

# --- Signed audit checkpoints: write-once blobs the database's writers cannot change ----------------

# Its own account: nothing else lives here, the audit identity may only add blobs to one container,
# and a time-based immutability policy keeps every blob unchangeable and undeletable for its period.
resource "azurerm_storage_account" "checkpoints" {
  #checkov:skip=CKV2_AZURE_1:Checkpoints are signed hashes, not patient data; Microsoft-managed keys suffice.
  #checkov:skip=CKV_AZURE_33:There is no queue service in use; queue logging has nothing to log.
  #checkov:skip=CKV2_AZURE_41:Shared keys are disabled, so no SAS token can be issued and a SAS expiration policy has nothing to govern.
  #checkov:skip=CKV2_AZURE_33:The blob private endpoint is created in network.tf from a for_each map that checkov's graph does not resolve.
  name                = "st${substr(local.unique, 0, 19)}ck"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  account_kind        = "StorageV2"
  account_tier        = "Standard"
  # Evidence for auditors: kept in a second region too.
  account_replication_type          = "GZRS"
  min_tls_version                   = "TLS1_2"
  https_traffic_only_enabled        = true
  shared_access_key_enabled         = false
  default_to_oauth_authentication   = true
  public_network_access_enabled     = false
  allow_nested_items_to_be_public   = false
  cross_tenant_replication_enabled  = false
  infrastructure_encryption_enabled = true
  local_user_enabled                = false
  tags                              = local.tags

  network_rules {
    default_action = "Deny"
    bypass         = ["AzureServices"]
  }

  # No blob versioning: container-level immutability policies and versioning exclude each other.
  blob_properties {
    delete_retention_policy {
      days = 7
    }
    container_delete_retention_policy {
      days = 7
    }
  }
}

resource "azurerm_storage_container" "checkpoints" {
  #checkov:skip=CKV2_AZURE_21:Blob read logging is enabled through the diagnostic setting on the blob service below, which checkov does not relate to the container.
  name                  = "audit-checkpoints"
  storage_account_id    = azurerm_storage_account.checkpoints.id
  container_access_type = "private"
}

# Management plane (no data-plane access needed). Unlocked by default so a sample environment can be
# destroyed; lock it in production (checkpoint_immutability_locked), after which nobody, the
# subscription owner included, can shorten it or delete a blob before it expires.
resource "azurerm_storage_container_immutability_policy" "checkpoints" {
  storage_container_resource_manager_id = azurerm_storage_container.checkpoints.id
  immutability_period_in_days           = var.checkpoint_immutability_days
  locked                                = var.checkpoint_immutability_locked
}

# The audit identity adds checkpoint blobs to this one container. The immutability policy, not the
# role, is what forbids changing or deleting them.
resource "azurerm_role_assignment" "checkpoint_writer" {
  scope                = azurerm_storage_container.checkpoints.id
  role_definition_name = "Storage Blob Data Contributor"
  principal_id         = local.function_principal_ids["audit"]
  principal_type       = "ServicePrincipal"
}

# --- Logs: every storage service in use sends its logs and transactions to Log Analytics ------------

locals {
  storage_services = merge(
    {
      for pair in setproduct(keys(local.apps), ["blob", "queue", "table"]) :
      "${pair[0]}-${pair[1]}" => "${azurerm_storage_account.functions[pair[0]].id}/${pair[1]}Services/default"
    },
    { "checkpoints-blob" = "${azurerm_storage_account.checkpoints.id}/blobServices/default" },
  )
}

resource "azurerm_monitor_diagnostic_setting" "storage" {
  for_each                   = local.storage_services
  name                       = "to-log-analytics"
  target_resource_id         = each.value
  log_analytics_workspace_id = azurerm_log_analytics_workspace.this.id

  enabled_log {
    category_group = "allLogs"
  }

  enabled_metric {
    category = "Transaction"
  }
}

# Was a resource of its own; the same setting, so it is moved rather than replaced.
moved {
  from = azurerm_monitor_diagnostic_setting.checkpoints_blob
  to   = azurerm_monitor_diagnostic_setting.storage["checkpoints-blob"]
}
