output "resource_group_name" {
  description = "Resource group holding the environment."
  value       = azurerm_resource_group.this.name
}

output "api_gateway_url" {
  description = "Public base URL of the PatientTests API (the only public entry point). Operations start with /api, e.g. <url>/api/health."
  value       = "${azurerm_api_management.this.gateway_url}/${azurerm_api_management_api.patient_tests.path}"
}

output "auditors_api_url" {
  description = "Public base URL of the auditors' API (the audit register's read side; Auditors product, subscription and reader key). Operations start with /api, e.g. <url>/api/auditrecord/verify."
  value       = "${azurerm_api_management.this.gateway_url}/${azurerm_api_management_api.audit.path}"
}

output "audit_explorer_url" {
  description = "The audit explorer for auditors, through API Management: the page asks for the Auditors subscription key and a reader key."
  value       = "${azurerm_api_management.this.gateway_url}/${azurerm_api_management_api.audit_explorer.path}/api/explorer"
}

output "api_management_audit_api_name" {
  description = "The auditors' API in API Management (terraform/rotation/ sets its backend and policy)."
  value       = azurerm_api_management_api.audit.name
}

output "api_management_audit_explorer_api_name" {
  description = "The audit explorer's page API in API Management (terraform/rotation/ sets its backend and policy)."
  value       = azurerm_api_management_api.audit_explorer.name
}

output "api_management_name" {
  description = "API Management instance name."
  value       = azurerm_api_management.this.name
}

output "api_management_api_name" {
  description = "The PatientTests API in API Management (terraform/rotation/ sets its policy)."
  value       = azurerm_api_management_api.patient_tests.name
}

output "apim_test_subscription_key" {
  description = "Primary key of the 'Automated tests' subscription (PatientTests product only). Read with: terraform output -raw apim_test_subscription_key"
  value       = azurerm_api_management_subscription.tests.primary_key
  sensitive   = true
}

output "patient_tests_function_app_name" {
  description = "PatientTests Function App name (deploy target for dist/functions/patient-tests.zip)."
  value       = local.function_app_names["patient-tests"]
}

output "audit_function_app_name" {
  description = "Audit Function App name (deploy target for dist/functions/audit.zip)."
  value       = local.function_app_names["audit"]
}

output "function_app_ids" {
  description = "Resource ids of both Function Apps (terraform/rotation/ sets their host keys)."
  value       = local.function_app_ids
}

output "patient_tests_api_base_url" {
  description = "Backend base URL of the PatientTests app (private endpoint; reachable only from the APIM subnet)."
  value       = "https://${local.function_app_hostnames["patient-tests"]}/api"
}

output "audit_api_base_url" {
  description = "Base URL of the Audit app (private endpoint; reachable only from the PatientTests integration subnet and API Management's subnet)."
  value       = "https://${local.function_app_hostnames["audit"]}/api"
}

output "key_vault_name" {
  description = "Key Vault name."
  value       = azurerm_key_vault.this.name
}

output "key_vault_uri" {
  description = "Key Vault URI (KEY_VAULT_URI)."
  value       = azurerm_key_vault.this.vault_uri
}

output "checkpoint_key_id" {
  description = "CHECKPOINT_KEY_ID: the versionless URL of the audit checkpoint signing key."
  value       = "${local.kv_uri}keys/${var.checkpoint_key_name}"
}

output "checkpoint_container_url" {
  description = "CHECKPOINT_CONTAINER_URL: the immutable container of signed checkpoints."
  value       = "${azurerm_storage_account.checkpoints.primary_blob_endpoint}${azurerm_storage_container.checkpoints.name}"
}

output "cosmosdb_account_names" {
  description = "Cosmos DB (MongoDB API) account of each app."
  value       = { for app in keys(local.apps) : app => azurerm_cosmosdb_account.this[app].name }
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

output "app_principal_ids" {
  description = "Principal id of each app's user-assigned identity (terraform/rotation/ grants it its rotating secrets)."
  value       = local.function_principal_ids
}

output "patient_tests_hostname" {
  description = "Host name of the PatientTests app (API Management's backend; private endpoint)."
  value       = local.function_app_hostnames["patient-tests"]
}
