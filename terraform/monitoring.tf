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
  disable_ip_masking = false
  tags               = local.tags
}
