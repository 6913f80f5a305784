output "resource_group_name" {
  description = "Resource group holding the environment."
  value       = azurerm_resource_group.this.name
}

output "api_gateway_url" {
  description = "Public base URL of the PatientTests API (the only public entry point)."
  value       = "${azurerm_api_management.this.gateway_url}/${azurerm_api_management_api.patient_tests.path}"
}

output "api_management_name" {
  description = "API Management instance name."
  value       = azurerm_api_management.this.name
}

output "apim_test_subscription_key" {
  description = "Primary key of the 'Automated tests' subscription (PatientTests product only). Read with: terraform output -raw apim_test_subscription_key"
  value       = azurerm_api_management_subscription.tests.primary_key
  sensitive   = true
}

output "patient_tests_function_app_name" {
  description = "PatientTests Function App name (deploy target for dist/functions/patient-tests.zip)."
  value       = azurerm_function_app_flex_consumption.patient_tests.name
}

output "audit_function_app_name" {
  description = "Audit Function App name (deploy target for dist/functions/audit.zip)."
  value       = azurerm_function_app_flex_consumption.audit.name
}

output "patient_tests_api_base_url" {
  description = "Backend base URL of the PatientTests app (reachable only from the APIM subnet)."
  value       = "https://${azurerm_function_app_flex_consumption.patient_tests.default_hostname}/api"
}

output "audit_api_base_url" {
  description = "Base URL of the Audit app (reachable only from the PatientTests integration subnet)."
  value       = "https://${azurerm_function_app_flex_consumption.audit.default_hostname}/api"
}

output "key_vault_uri" {
  description = "Key Vault URI (KEY_VAULT_URI)."
  value       = azurerm_key_vault.this.vault_uri
}

output "cosmosdb_account_name" {
  description = "Cosmos DB (MongoDB API) account name."
  value       = azurerm_cosmosdb_account.this.name
}

output "application_insights_name" {
  description = "Application Insights resource receiving telemetry from APIM and both apps."
  value       = azurerm_application_insights.this.name
}

output "load_test_name" {
  description = "Azure Load Testing resource for the Locust test."
  value       = azurerm_load_test.this.name
}

output "nat_egress_ip" {
  description = "Public egress address of both Function Apps."
  value       = azurerm_public_ip.nat.ip_address
}

output "key_rotation" {
  description = "Per app: the named key callers currently use and when each key next rotates (on the first apply after that time)."
  value = {
    for app in keys(local.apps) : app => {
      current_key_name = "rotating-${local.current_slot[app]}"
      a_rotates_after  = time_rotating.key_a[app].rotation_rfc3339
      b_rotates_after  = time_rotating.key_b[app].rotation_rfc3339
    }
  }
}
