# Each app runs on its own Flex Consumption plan with outbound VNet integration. Inbound, the public
# endpoint is deny-by-default: PatientTests accepts only the API Management subnet, Audit accepts only
# the PatientTests integration subnet (the subnet PatientTests' outbound calls come from). The SCM
# (deployment) site has the same single rule. Function keys are checked on top by the Functions host.

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

resource "azurerm_function_app_flex_consumption" "patient_tests" {
  name                = "func-${local.name}-patient-tests-${random_string.suffix.result}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  service_plan_id     = azurerm_service_plan.functions["patient-tests"].id

  runtime_name           = "node"
  runtime_version        = "22"
  instance_memory_in_mb  = var.function_instance_memory_mb
  maximum_instance_count = var.function_maximum_instance_count

  storage_container_type      = "blobContainer"
  storage_container_endpoint  = "${azurerm_storage_account.functions["patient-tests"].primary_blob_endpoint}${azurerm_storage_container.deployments["patient-tests"].name}"
  storage_authentication_type = "SystemAssignedIdentity"

  https_only                                     = true
  webdeploy_publish_basic_authentication_enabled = false
  virtual_network_subnet_id                      = azurerm_subnet.patient_tests_integration.id
  tags                                           = local.tags

  identity {
    type = "SystemAssigned"
  }

  # Static secrets are versionless Key Vault references (no version segment): the platform resolves
  # the latest version. The rotating audit key is deliberately NOT a reference: a setting in the
  # environment wins over the app's own Key Vault read, and App Service re-resolves references only
  # about daily, so the app reads it itself (KEY_VAULT_SECRET_AUDIT_API_KEY names the secret), re-reads
  # it every KEY_VAULT_REFRESH_SECONDS, and at once when audit answers 401.
  app_settings = {
    AzureWebJobsStorage__accountName      = azurerm_storage_account.functions["patient-tests"].name
    MONGODB_URI                           = "@Microsoft.KeyVault(SecretUri=${local.kv_uri}secrets/${var.mongodb_uri_secret_name})"
    MONGODB_DATABASE                      = azurerm_cosmosdb_mongo_database.patient_tests.name
    AUDIT_API_URL                         = "https://${azurerm_function_app_flex_consumption.audit.default_hostname}/api"
    KEY_VAULT_SECRET_AUDIT_API_KEY        = var.audit_api_key_secret_name
    AUDIT_TIMEOUT_MS                      = tostring(var.audit_timeout_ms)
    APPLICATIONINSIGHTS_CONNECTION_STRING = "@Microsoft.KeyVault(SecretUri=${local.kv_uri}secrets/${var.appinsights_connection_string_secret_name})"
    OTEL_SERVICE_NAME                     = "patient-tests"
    KEY_VAULT_URI                         = local.kv_uri
    KEY_VAULT_REFRESH_SECONDS             = tostring(var.key_vault_refresh_seconds)
  }

  site_config {
    minimum_tls_version               = "1.2"
    scm_minimum_tls_version           = "1.2"
    http2_enabled                     = true
    vnet_route_all_enabled            = true
    ip_restriction_default_action     = "Deny"
    scm_ip_restriction_default_action = "Deny"
    scm_use_main_ip_restriction       = false

    ip_restriction {
      name                      = "allow-api-management"
      action                    = "Allow"
      priority                  = 100
      virtual_network_subnet_id = azurerm_subnet.apim.id
    }

    scm_ip_restriction {
      name                      = "allow-api-management"
      action                    = "Allow"
      priority                  = 100
      virtual_network_subnet_id = azurerm_subnet.apim.id
    }
  }
}

resource "azurerm_function_app_flex_consumption" "audit" {
  name                = "func-${local.name}-audit-${random_string.suffix.result}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  service_plan_id     = azurerm_service_plan.functions["audit"].id

  runtime_name           = "node"
  runtime_version        = "22"
  instance_memory_in_mb  = var.function_instance_memory_mb
  maximum_instance_count = var.function_maximum_instance_count

  storage_container_type      = "blobContainer"
  storage_container_endpoint  = "${azurerm_storage_account.functions["audit"].primary_blob_endpoint}${azurerm_storage_container.deployments["audit"].name}"
  storage_authentication_type = "SystemAssignedIdentity"

  https_only                                     = true
  webdeploy_publish_basic_authentication_enabled = false
  virtual_network_subnet_id                      = azurerm_subnet.audit_integration.id
  tags                                           = local.tags

  identity {
    type = "SystemAssigned"
  }

  app_settings = {
    AzureWebJobsStorage__accountName      = azurerm_storage_account.functions["audit"].name
    MONGODB_URI                           = "@Microsoft.KeyVault(SecretUri=${local.kv_uri}secrets/${var.mongodb_uri_secret_name})"
    MONGODB_DATABASE                      = azurerm_cosmosdb_mongo_database.audit.name
    APPLICATIONINSIGHTS_CONNECTION_STRING = "@Microsoft.KeyVault(SecretUri=${local.kv_uri}secrets/${var.appinsights_connection_string_secret_name})"
    OTEL_SERVICE_NAME                     = "audit"
    KEY_VAULT_URI                         = local.kv_uri
    KEY_VAULT_REFRESH_SECONDS             = tostring(var.key_vault_refresh_seconds)
  }

  site_config {
    minimum_tls_version               = "1.2"
    scm_minimum_tls_version           = "1.2"
    http2_enabled                     = true
    vnet_route_all_enabled            = true
    ip_restriction_default_action     = "Deny"
    scm_ip_restriction_default_action = "Deny"
    scm_use_main_ip_restriction       = false

    ip_restriction {
      name                      = "allow-patient-tests"
      action                    = "Allow"
      priority                  = 100
      virtual_network_subnet_id = azurerm_subnet.patient_tests_integration.id
    }

    scm_ip_restriction {
      name                      = "allow-patient-tests"
      action                    = "Allow"
      priority                  = 100
      virtual_network_subnet_id = azurerm_subnet.patient_tests_integration.id
    }
  }
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

locals {
  function_principal_ids = {
    "patient-tests" = azurerm_function_app_flex_consumption.patient_tests.identity[0].principal_id
    "audit"         = azurerm_function_app_flex_consumption.audit.identity[0].principal_id
  }
  function_app_ids = {
    "patient-tests" = azurerm_function_app_flex_consumption.patient_tests.id
    "audit"         = azurerm_function_app_flex_consumption.audit.id
  }
}
