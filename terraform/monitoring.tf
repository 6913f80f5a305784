resource "azurerm_log_analytics_workspace" "this" {
  name                = "log-${local.name}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  sku                 = "PerGB2018"
  retention_in_days   = var.log_retention_days
  tags                = local.tags
}

# Workspace-based Application Insights. Both apps export OpenTelemetry to it (OTEL_SERVICE_NAME sets
# the cloud role), API Management logs to it with W3C trace context, so one operation id follows a
# request from the gateway through patient-tests to audit.
resource "azurerm_application_insights" "this" {
  name                = "appi-${local.name}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  workspace_id        = azurerm_log_analytics_workspace.this.id
  application_type    = "Node.JS"
  # Client IPs are personal data and not needed to trace a request.
  ip_masking_enabled = true
  tags               = local.tags
}

# Diagnostic settings of the resources not covered next to their own definition (Key Vault, storage,
# apps, API Management): the Cosmos DB accounts and the network security groups.
resource "azurerm_monitor_diagnostic_setting" "cosmos" {
  for_each                   = local.apps
  name                       = "to-log-analytics"
  target_resource_id         = azurerm_cosmosdb_account.this[each.key].id
  log_analytics_workspace_id = azurerm_log_analytics_workspace.this.id
  # Resource-specific tables (CDBMongoRequests, ...), not AzureDiagnostics.
  log_analytics_destination_type = "Dedicated"

  enabled_log {
    category_group = "allLogs"
  }
}

resource "azurerm_monitor_diagnostic_setting" "network_security_groups" {
  for_each = merge(
    {
      apim     = azurerm_network_security_group.apim.id
      internal = azurerm_network_security_group.internal.id
    },
    { for app in keys(local.apps) : "pe-${app}" => azurerm_network_security_group.app_endpoints[app].id },
  )
  name                       = "to-log-analytics"
  target_resource_id         = each.value
  log_analytics_workspace_id = azurerm_log_analytics_workspace.this.id

  enabled_log {
    category_group = "allLogs"
  }
}
