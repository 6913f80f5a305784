# The API Management side that needs the deployed app's host keys: the backend with its function key
# (a Key Vault named value, re-read by the gateway every four hours, so a rotation reaches it without
# touching API Management) and the API policy, which also sets x-gateway-secret from the named value
# terraform/ created.

resource "azurerm_api_management_named_value" "patient_tests_function_key" {
  name                = "patient-tests-function-key"
  display_name        = "patient-tests-function-key"
  api_management_name = var.api_management_name
  resource_group_name = var.resource_group_name
  secret              = true

  value_from_key_vault {
    secret_id = "${local.kv_uri}secrets/${var.apim_backend_key_secret_name}"
  }

  # The gateway reads the secret when the named value is created: the secret and API Management's
  # role on it must exist, and the role must have propagated.
  depends_on = [time_sleep.apim_rbac_propagation]
}

resource "time_sleep" "apim_rbac_propagation" {
  create_duration = "120s"
  triggers = {
    assignment       = azurerm_role_assignment.secret_readers["apim/backend-key"].id
    audit_assignment = azurerm_role_assignment.secret_readers["apim/audit-backend-key"].id
  }
}

resource "azurerm_api_management_backend" "patient_tests" {
  name                = "patient-tests"
  api_management_name = var.api_management_name
  resource_group_name = var.resource_group_name
  protocol            = "http"
  # The host only: the imported operations' paths already start with /api (the apps' route prefix).
  url         = "https://${var.patient_tests_hostname}"
  resource_id = "https://management.azure.com${var.function_app_ids["patient-tests"]}"
  description = "PatientTests Function App (private endpoint)"

  credentials {
    header = {
      "x-functions-key" = "{{${azurerm_api_management_named_value.patient_tests_function_key.name}}}"
    }
  }

  tls {
    validate_certificate_chain = true
    validate_certificate_name  = true
  }
}

resource "azurerm_api_management_api_policy" "patient_tests" {
  api_name            = var.api_management_api_name
  api_management_name = var.api_management_name
  resource_group_name = var.resource_group_name
  xml_content = templatefile("${path.module}/policies/patient-tests-api.xml", {
    backend_id            = azurerm_api_management_backend.patient_tests.name
    gateway_secret        = var.gateway_secret_named_value
    rate_limit_calls      = var.apim_rate_limit_calls
    rate_limit_period     = var.apim_rate_limit_period_seconds
    correlation_id_header = "x-correlation-id"
  })
}

# --- The auditors' path (../README.md, "The auditors' path") -------------------------------------

locals {
  # The audit app's host name, from its id (the name is the id's last segment); resolved to its
  # private endpoint inside the VNet, whose subnet admits API Management's.
  audit_hostname = "${basename(var.function_app_ids["audit"])}.azurewebsites.net"
}

# The audit host key API Management sends as x-functions-key: a Key Vault reference, never a value in
# Terraform's configuration or API Management's, re-read every four hours (rotation.tf rotates it).
resource "azurerm_api_management_named_value" "audit_gateway_key" {
  name                = "audit-gateway-function-key"
  display_name        = "audit-gateway-function-key"
  api_management_name = var.api_management_name
  resource_group_name = var.resource_group_name
  secret              = true

  value_from_key_vault {
    secret_id = "${local.kv_uri}secrets/${var.apim_audit_backend_key_secret_name}"
  }

  depends_on = [time_sleep.apim_rbac_propagation]
}

resource "azurerm_api_management_backend" "audit" {
  name                = "audit"
  api_management_name = var.api_management_name
  resource_group_name = var.resource_group_name
  protocol            = "http"
  # The host only: the operations' paths start with /api, as the app's routes do.
  url         = "https://${local.audit_hostname}"
  resource_id = "https://management.azure.com${var.function_app_ids["audit"]}"
  description = "Audit Function App (private endpoint), the auditors' read side"

  credentials {
    header = {
      "x-functions-key" = "{{${azurerm_api_management_named_value.audit_gateway_key.name}}}"
    }
  }

  tls {
    validate_certificate_chain = true
    validate_certificate_name  = true
  }
}

# The explorer's page files: the audit app serves them through a trigger without a key, so this
# backend carries none.
resource "azurerm_api_management_backend" "audit_explorer" {
  name                = "audit-explorer"
  api_management_name = var.api_management_name
  resource_group_name = var.resource_group_name
  protocol            = "http"
  url                 = "https://${local.audit_hostname}"
  description         = "Audit Function App (private endpoint), the explorer's page files only"

  tls {
    validate_certificate_chain = true
    validate_certificate_name  = true
  }
}

resource "azurerm_api_management_api_policy" "audit" {
  api_name            = var.api_management_audit_api_name
  api_management_name = var.api_management_name
  resource_group_name = var.resource_group_name
  xml_content = templatefile("${path.module}/policies/audit-api.xml", {
    backend_id            = azurerm_api_management_backend.audit.name
    gateway_secret        = var.gateway_secret_named_value
    rate_limit_calls      = var.apim_rate_limit_calls
    rate_limit_period     = var.apim_rate_limit_period_seconds
    correlation_id_header = "x-correlation-id"
  })
}

resource "azurerm_api_management_api_policy" "audit_explorer" {
  api_name            = var.api_management_audit_explorer_api_name
  api_management_name = var.api_management_name
  resource_group_name = var.resource_group_name
  xml_content = templatefile("${path.module}/policies/audit-explorer-api.xml", {
    backend_id            = azurerm_api_management_backend.audit_explorer.name
    rate_limit_calls      = var.apim_rate_limit_calls
    rate_limit_period     = var.apim_rate_limit_period_seconds
    correlation_id_header = "x-correlation-id"
  })
}
