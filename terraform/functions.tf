# Each app runs on its own Flex Consumption plan with outbound VNet integration and NO public network
# access: it is reached only through its private endpoint (network.tf), whose subnet admits only its
# callers (API Management for patient-tests; patient-tests and API Management for audit). The SCM site
# shares the private endpoint and denies everything else; a deployment opens it for its own address
# and closes it again (README.md, "Deploying the packages").
#
# The apps are deployed from templates/function-app.json (see its description: the provider resource
# cannot express identity-based host storage). Everything around them is azurerm.

# One user-assigned identity per app, created before the app, so that its Key Vault and storage roles
# exist (and have propagated) when the app is created and first resolves its Key Vault references.
resource "azurerm_user_assigned_identity" "apps" {
  for_each            = local.apps
  name                = "id-${local.name}-${each.key}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tags                = local.tags
}

resource "azurerm_service_plan" "functions" {
  #checkov:skip=CKV_AZURE_212:Flex Consumption (FC1) has no fixed worker count; instances scale per app (maximum_instance_count).
  #checkov:skip=CKV_AZURE_225:Zone redundancy for Flex Consumption depends on the region; the sample region set does not guarantee it, so it is a per-environment decision.
  for_each            = local.apps
  name                = "asp-${local.name}-${each.key}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  os_type             = "Linux"
  sku_name            = "FC1"
  tags                = local.tags
}

locals {
  function_app_names = {
    for app in keys(local.apps) : app => "func-${local.name}-${app}-${random_string.suffix.result}"
  }
  function_app_ids = {
    for app in keys(local.apps) : app => "${azurerm_resource_group.this.id}/providers/Microsoft.Web/sites/${local.function_app_names[app]}"
  }
  # Without the secure unique default hostname option (not set), a site's host name is its name under
  # azurerm_resource_group's cloud domain; resolved privately through privatelink.azurewebsites.net.
  function_app_hostnames = {
    for app in keys(local.apps) : app => "${local.function_app_names[app]}.azurewebsites.net"
  }
  function_principal_ids = {
    for app in keys(local.apps) : app => azurerm_user_assigned_identity.apps[app].principal_id
  }

  # Settings both apps share. Secrets are never values here: either a versionless Key Vault reference
  # (resolved by the platform with the app's identity) or the NAME of a secret the app reads and
  # re-reads itself (KEY_VAULT_SECRET_*, docs/key-vault.md), for those that rotate.
  common_settings = {
    for app in keys(local.apps) : app => {
      AzureWebJobsStorage__accountName      = azurerm_storage_account.functions[app].name
      AzureWebJobsStorage__credential       = "managedidentity"
      AzureWebJobsStorage__clientId         = azurerm_user_assigned_identity.apps[app].client_id
      AZURE_CLIENT_ID                       = azurerm_user_assigned_identity.apps[app].client_id
      MONGODB_URI                           = "@Microsoft.KeyVault(SecretUri=${local.kv_uri}secrets/${local.mongodb_uri_secret_names[app]})"
      MONGODB_DATABASE                      = local.apps[app].database
      APPLICATIONINSIGHTS_CONNECTION_STRING = azurerm_application_insights.this.connection_string
      OTEL_SERVICE_NAME                     = app
      KEY_VAULT_URI                         = local.kv_uri
      KEY_VAULT_REFRESH_SECONDS             = tostring(var.key_vault_refresh_seconds)
      KEY_VAULT_SECRET_GATEWAY_SECRET       = var.gateway_secret_name
      # What clients call: API Management's URL, the app's API path, the route prefix (apim.tf). The
      # API's path is in no header the app receives, so its Location headers and FHIR links (Bundle
      # fullUrls and links, CapabilityStatement) are absolute on this.
      PUBLIC_API_URL = "https://${local.apim_name}.azure-api.net/${local.apim_api_paths[app]}${local.app_route_prefix}"
    }
  }
  apim_api_paths = {
    "patient-tests" = var.apim_api_path
    "audit"         = var.apim_audit_api_path
  }

  app_settings = {
    "patient-tests" = merge(local.common_settings["patient-tests"], {
      AUDIT_API_URL                  = "https://${local.function_app_hostnames["audit"]}/api"
      KEY_VAULT_SECRET_AUDIT_API_KEY = var.audit_api_key_secret_name
      AUDIT_TIMEOUT_MS               = tostring(var.audit_timeout_ms)
    })
    "audit" = merge(local.common_settings["audit"], {
      KEY_VAULT_SECRET_AUDIT_READER_KEYS = var.audit_reader_keys_secret_name
      # Versionless: the audit app signs with the key's current version and writes the version it
      # used into each checkpoint.
      CHECKPOINT_KEY_ID           = "${local.kv_uri}keys/${var.checkpoint_key_name}"
      CHECKPOINT_CONTAINER_URL    = "${azurerm_storage_account.checkpoints.primary_blob_endpoint}${azurerm_storage_container.checkpoints.name}"
      CHECKPOINT_INTERVAL_SECONDS = tostring(var.checkpoint_interval_seconds)
      # Behind API Management the explorer's page and the API it reads are two APIs under two paths
      # (apim.tf): the page is told where its API is, on the same origin.
      EXPLORER_API_BASE = "/${var.apim_audit_api_path}/api/"
    })
  }
}

resource "azurerm_resource_group_template_deployment" "function_app" {
  for_each            = local.apps
  name                = "function-app-${each.key}"
  resource_group_name = azurerm_resource_group.this.name
  deployment_mode     = "Incremental"
  template_content    = file("${path.module}/templates/function-app.json")
  tags                = local.tags

  parameters_content = jsonencode({
    name                   = { value = local.function_app_names[each.key] }
    location               = { value = azurerm_resource_group.this.location }
    tags                   = { value = local.tags }
    planId                 = { value = azurerm_service_plan.functions[each.key].id }
    identityId             = { value = azurerm_user_assigned_identity.apps[each.key].id }
    deploymentContainerUrl = { value = "${azurerm_storage_account.functions[each.key].primary_blob_endpoint}${azurerm_storage_container.deployments[each.key].name}" }
    subnetId               = { value = each.key == "patient-tests" ? azurerm_subnet.patient_tests_integration.id : azurerm_subnet.audit_integration.id }
    instanceMemoryMB       = { value = var.function_instance_memory_mb }
    maximumInstanceCount   = { value = var.function_maximum_instance_count }
    appSettings            = { value = local.app_settings[each.key] }
    publicNetworkAccess    = { value = "Disabled" }
  })

  # VNet integration after the subnet's NAT gateway and NSG are attached; Key Vault references and host
  # storage only once the identity's roles exist and have propagated (time_sleep.rbac_propagation).
  depends_on = [
    azurerm_subnet_nat_gateway_association.patient_tests_integration,
    azurerm_subnet_nat_gateway_association.audit_integration,
    azurerm_subnet_network_security_group_association.patient_tests_integration,
    azurerm_subnet_network_security_group_association.audit_integration,
    azurerm_private_dns_zone_virtual_network_link.this,
    # The host's storage is reachable only through these, from its first start.
    azurerm_private_endpoint.this,
    time_sleep.rbac_propagation,
  ]
}

# The Functions host keeps its state in the app's storage account, reached with the app's identity.
resource "azurerm_role_assignment" "functions_storage" {
  for_each = {
    for pair in setproduct(keys(local.apps), [
      "Storage Blob Data Owner",
      "Storage Queue Data Contributor",
      "Storage Table Data Contributor",
    ]) : "${pair[0]}/${pair[1]}" => { app = pair[0], role = pair[1] }
  }
  scope                = azurerm_storage_account.functions[each.value.app].id
  role_definition_name = each.value.role
  principal_id         = local.function_principal_ids[each.value.app]
  principal_type       = "ServicePrincipal"
}

# Entra role assignments take minutes to reach Key Vault and Storage (a fresh one answers 403
# ForbiddenByRbac); the apps are created only after this pause, so their first resolution succeeds.
resource "time_sleep" "rbac_propagation" {
  create_duration = "120s"

  triggers = {
    identities = join(",", values(local.function_principal_ids))
  }

  depends_on = [
    azurerm_role_assignment.functions_storage,
    azurerm_role_assignment.secret_readers,
    azurerm_role_assignment.checkpoint_signer,
    azurerm_role_assignment.checkpoint_writer,
  ]
}

resource "azurerm_monitor_diagnostic_setting" "function_app" {
  for_each                   = local.apps
  name                       = "to-log-analytics"
  target_resource_id         = local.function_app_ids[each.key]
  log_analytics_workspace_id = azurerm_log_analytics_workspace.this.id

  enabled_log {
    category = "FunctionAppLogs"
  }

  enabled_metric {
    category = "AllMetrics"
  }

  depends_on = [azurerm_resource_group_template_deployment.function_app]
}
