# API Management, Developer SKU with External VNet injection: the gateway is public, and its calls to
# the PatientTests app leave from the APIM subnet, which is the only source that app accepts.
# README.md explains the choice against StandardV2 with outbound VNet integration.

resource "azurerm_public_ip" "apim" {
  name                = "pip-${local.name}-apim"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  allocation_method   = "Static"
  sku                 = "Standard"
  domain_name_label   = "apim-${local.unique}"
  tags                = local.tags
}

resource "azurerm_api_management" "this" {
  #checkov:skip=CKV_AZURE_174:API Management is the single public entry point of the system by design; everything behind it is private.
  name                 = local.apim_name
  location             = azurerm_resource_group.this.location
  resource_group_name  = azurerm_resource_group.this.name
  publisher_name       = var.apim_publisher_name
  publisher_email      = var.apim_publisher_email
  sku_name             = var.apim_sku_name
  virtual_network_type = "External"
  public_ip_address_id = azurerm_public_ip.apim.id
  min_api_version      = "2021-08-01"
  tags                 = local.tags

  virtual_network_configuration {
    subnet_id = azurerm_subnet.apim.id
  }

  identity {
    type = "SystemAssigned"
  }

  security {
    frontend_ssl30_enabled = false
    frontend_tls10_enabled = false
    frontend_tls11_enabled = false
    backend_ssl30_enabled  = false
    backend_tls10_enabled  = false
    backend_tls11_enabled  = false
  }

  depends_on = [azurerm_subnet_network_security_group_association.apim]
}

resource "azurerm_api_management_logger" "app_insights" {
  name                = "application-insights"
  api_management_name = azurerm_api_management.this.name
  resource_group_name = azurerm_resource_group.this.name
  resource_id         = azurerm_application_insights.this.id

  application_insights {
    connection_string = azurerm_application_insights.this.connection_string
  }
}

# --- The gateway secret: x-gateway-secret on every forwarded request --------------------------------

# Resolved by API Management from Key Vault with its own identity. The API policy that sets the header
# from it (rotation/policies/patient-tests-api.xml) is applied by terraform/rotation/, together with the
# backend and its function key, because those need the deployed app's host keys.
resource "time_sleep" "apim_rbac_propagation" {
  create_duration = "120s"
  triggers = {
    assignment = azurerm_role_assignment.apim_gateway_secret.id
  }
}

resource "azurerm_api_management_named_value" "gateway_secret" {
  name                = "gateway-secret"
  display_name        = "gateway-secret"
  api_management_name = azurerm_api_management.this.name
  resource_group_name = azurerm_resource_group.this.name
  secret              = true

  value_from_key_vault {
    # Versionless: API Management re-reads the latest version every four hours.
    secret_id = "${local.kv_uri}secrets/${var.gateway_secret_name}"
  }

  depends_on = [time_sleep.apim_rbac_propagation, azurerm_private_endpoint.this]
}

# --- API, product, subscription --------------------------------------------------------------------

resource "azurerm_api_management_api" "patient_tests" {
  name                  = "patient-tests"
  display_name          = "PatientTests API"
  api_management_name   = azurerm_api_management.this.name
  resource_group_name   = azurerm_resource_group.this.name
  revision              = "1"
  path                  = var.apim_api_path
  protocols             = ["https"]
  subscription_required = true

  # Written by the apps (OpenAPI 3); keep this path stable.
  import {
    content_format = "openapi+json"
    content_value  = file(local.openapi_doc)
  }
}

# The FHIR interface (/api/fhir in the same Function App) is described by its CapabilityStatement, not
# the OpenAPI document, so its operations are declared here: every method it serves, on every path
# under its base path. They inherit the API's policy (backend, function key, gateway secret, rate
# limit). An import of a changed OpenAPI document rewrites the API's operations, so they are re-created
# with it.
locals {
  # Known before API Management exists, so the Function Apps (PUBLIC_API_URL) need not wait for it.
  apim_name = "apim-${local.unique}"
  # The apps' Functions route prefix (GLOBAL_PREFIX in libs/shared/src/http/constants.ts). The gateway
  # appends an operation's path to the backend's URL, which is the host only, so every operation
  # carries it, and each app's PUBLIC_API_URL (functions.tf) is the API's path followed by it.
  app_route_prefix = "/api"
  # The app's FHIR base path: the route prefix and /fhir (FHIR_BASE_PATH in
  # apps/patient-tests/src/fhir/fhir-wire.ts); without the prefix the app answers 404. Written out
  # rather than built from app_route_prefix so that tests can read it as a plain string.
  patient_tests_fhir_path = "/api/fhir"
  fhir_operations = {
    "fhir-get"         = { method = "GET", url_template = "${local.patient_tests_fhir_path}/*" }
    "fhir-create"      = { method = "POST", url_template = "${local.patient_tests_fhir_path}/*" }
    "fhir-transaction" = { method = "POST", url_template = local.patient_tests_fhir_path }
    "fhir-update"      = { method = "PUT", url_template = "${local.patient_tests_fhir_path}/*" }
  }
}

resource "azurerm_api_management_api_operation" "fhir" {
  for_each            = local.fhir_operations
  operation_id        = each.key
  api_name            = azurerm_api_management_api.patient_tests.name
  api_management_name = azurerm_api_management.this.name
  resource_group_name = azurerm_resource_group.this.name
  display_name        = "FHIR R4 ${each.value.method} ${each.value.url_template}"
  method              = each.value.method
  url_template        = each.value.url_template
  description         = "FHIR R4 (application/fhir+json); see GET ${local.patient_tests_fhir_path}/metadata"

  lifecycle {
    replace_triggered_by = [azurerm_api_management_api.patient_tests]
  }
}

resource "azurerm_api_management_product" "patient_tests" {
  product_id            = "patient-tests"
  display_name          = "PatientTests"
  description           = "Access to the PatientTests API. Every call needs a subscription key."
  api_management_name   = azurerm_api_management.this.name
  resource_group_name   = azurerm_resource_group.this.name
  subscription_required = true
  approval_required     = true
  subscriptions_limit   = 10
  published             = true
}

resource "azurerm_api_management_product_api" "patient_tests" {
  api_name            = azurerm_api_management_api.patient_tests.name
  product_id          = azurerm_api_management_product.patient_tests.product_id
  api_management_name = azurerm_api_management.this.name
  resource_group_name = azurerm_resource_group.this.name
}

# The subscription the e2e and load tests use. Its key is an output marked sensitive; the service's
# master (all-access) subscription key is never exposed.
resource "azurerm_api_management_subscription" "tests" {
  display_name        = "Automated tests"
  api_management_name = azurerm_api_management.this.name
  resource_group_name = azurerm_resource_group.this.name
  product_id          = azurerm_api_management_product.patient_tests.id
  state               = "active"
  allow_tracing       = false
}

# --- Diagnostics: W3C trace context to Application Insights, keys masked, bodies never logged ------

resource "azurerm_api_management_api_diagnostic" "patient_tests" {
  identifier                = "applicationinsights"
  api_name                  = azurerm_api_management_api.patient_tests.name
  api_management_name       = azurerm_api_management.this.name
  resource_group_name       = azurerm_resource_group.this.name
  api_management_logger_id  = azurerm_api_management_logger.app_insights.id
  http_correlation_protocol = "W3C"
  operation_name_format     = "Name"
  sampling_percentage       = 100
  always_log_errors         = true
  log_client_ip             = false
  verbosity                 = "information"

  frontend_request {
    body_bytes     = 0
    headers_to_log = ["x-correlation-id", "traceparent"]

    data_masking {
      headers {
        mode  = "Hide"
        value = "Ocp-Apim-Subscription-Key"
      }
      headers {
        mode  = "Hide"
        value = "x-functions-key"
      }
      # The subscription key's query form, as the caller sent it (the policy drops it before the app).
      query_params {
        mode  = "Hide"
        value = "subscription-key"
      }
    }
  }

  backend_request {
    body_bytes     = 0
    headers_to_log = ["x-correlation-id", "traceparent"]

    data_masking {
      headers {
        mode  = "Hide"
        value = "x-functions-key"
      }
      headers {
        mode  = "Hide"
        value = "Ocp-Apim-Subscription-Key"
      }
    }
  }

  frontend_response {
    body_bytes     = 0
    headers_to_log = ["x-correlation-id"]
  }

  backend_response {
    body_bytes     = 0
    headers_to_log = ["x-correlation-id"]
  }
}

resource "azurerm_monitor_diagnostic_setting" "api_management" {
  name                       = "to-log-analytics"
  target_resource_id         = azurerm_api_management.this.id
  log_analytics_workspace_id = azurerm_log_analytics_workspace.this.id

  enabled_log {
    category_group = "allLogs"
  }

  enabled_metric {
    category = "AllMetrics"
  }
}

# --- The auditors' path: the audit register's read side, and nothing else --------------------------
#
# Auditors (privacy officers, external auditors) read the register through two APIs of their own, never
# through the PatientTests product:
# - "audit" (var.apim_audit_api_path): exactly the routes of the audit app that declare the reader role
#   (apps/audit/src: audit-records, chain and fhir controllers). The append route, POST /api/auditrecord,
#   is not an operation: API Management answers 404 for it, as for every path and method not listed,
#   and it stays reachable only from patient-tests' subnet (network.tf) with patient-tests' append key.
#   Subscription required, in the "auditors" product only (approval required).
# - "audit-explorer" (var.apim_audit_explorer_path): the explorer's three page files, which hold no data
#   and which a browser opens without a header; every record the page shows comes from "audit" with the
#   auditor's subscription key and reader key in headers.
#
# Authentication end to end (terraform/README.md, "The auditors' path"): the auditor sends the
# subscription key (Ocp-Apim-Subscription-Key) and their own reader key (x-functions-key). The API policy
# (rotation/policies/audit-api.xml) moves the reader key to x-forwarded-functions-key, and the backend
# sends a Functions host key of its own in x-functions-key: a key for the host only, from a Key Vault
# named value, in neither of audit's role lists. The gateway secret proves the forwarding; the audit app
# checks the reader key's role. So API Management alone cannot read the register, a reader key can never
# append, and patient-tests' append key can never read.
locals {
  # operation id => method, URL template (the audit app's own paths, /api prefix included).
  audit_reader_operations = {
    "auditrecord-query"          = { method = "GET", url_template = "/api/auditrecord", description = "Records, newest first, by patient, resource, correlation id, actor or time; paged" }
    "auditrecord-verify"         = { method = "GET", url_template = "/api/auditrecord/verify", description = "Verify the hash chain in a range against the newest signed checkpoint" }
    "auditrecord-export"         = { method = "GET", url_template = "/api/auditrecord/export", description = "Records in chain order, for npm run audit:verify" }
    "auditrecord-checkpoint"     = { method = "POST", url_template = "/api/auditrecord/checkpoints", description = "Sign the chain head now (a checkpoint, never a record)" }
    "auditrecord-checkpoint-get" = { method = "GET", url_template = "/api/auditrecord/checkpoints/latest", description = "The newest signed checkpoint" }
    "fhir-metadata"              = { method = "GET", url_template = "/api/fhir/metadata", description = "FHIR R4 CapabilityStatement of the AuditEvent interface" }
    "fhir-auditevent-search"     = { method = "GET", url_template = "/api/fhir/AuditEvent", description = "FHIR R4 AuditEvent search" }
    "fhir-auditevent-read"       = { method = "GET", url_template = "/api/fhir/AuditEvent/{id}", description = "FHIR R4 AuditEvent read" }
  }

  audit_explorer_operations = {
    "explorer-page"   = { method = "GET", url_template = "/api/explorer", description = "The audit explorer's page" }
    "explorer-script" = { method = "GET", url_template = "/api/explorer/explorer.js", description = "The page's script" }
    "explorer-style"  = { method = "GET", url_template = "/api/explorer/explorer.css", description = "The page's stylesheet" }
  }
}

resource "azurerm_api_management_api" "audit" {
  name                  = "audit"
  display_name          = "Audit register (auditors, read only)"
  api_management_name   = azurerm_api_management.this.name
  resource_group_name   = azurerm_resource_group.this.name
  revision              = "1"
  path                  = var.apim_audit_api_path
  protocols             = ["https"]
  subscription_required = true
}

resource "azurerm_api_management_api_operation" "audit" {
  for_each            = local.audit_reader_operations
  operation_id        = each.key
  api_name            = azurerm_api_management_api.audit.name
  api_management_name = azurerm_api_management.this.name
  resource_group_name = azurerm_resource_group.this.name
  display_name        = "${each.value.method} ${each.value.url_template}"
  method              = each.value.method
  url_template        = each.value.url_template
  description         = "${each.value.description}. Needs an auditor's reader key in x-functions-key."

  dynamic "template_parameter" {
    for_each = strcontains(each.value.url_template, "{id}") ? ["id"] : []
    content {
      name     = template_parameter.value
      required = true
      type     = "string"
    }
  }
}

resource "azurerm_api_management_api" "audit_explorer" {
  # No subscription: the three page files hold no data, and a browser opens a page without headers.
  # Every data call of the page goes to the "audit" API, which requires one (the page sends it).
  name                  = "audit-explorer"
  display_name          = "Audit explorer (page files only)"
  api_management_name   = azurerm_api_management.this.name
  resource_group_name   = azurerm_resource_group.this.name
  revision              = "1"
  path                  = var.apim_audit_explorer_path
  protocols             = ["https"]
  subscription_required = false
}

resource "azurerm_api_management_api_operation" "audit_explorer" {
  for_each            = local.audit_explorer_operations
  operation_id        = each.key
  api_name            = azurerm_api_management_api.audit_explorer.name
  api_management_name = azurerm_api_management.this.name
  resource_group_name = azurerm_resource_group.this.name
  display_name        = "${each.value.method} ${each.value.url_template}"
  method              = each.value.method
  url_template        = each.value.url_template
  description         = each.value.description
}

resource "azurerm_api_management_product" "auditors" {
  product_id            = "auditors"
  display_name          = "Auditors"
  description           = "Read-only access to the audit register (records, verification, checkpoints, FHIR AuditEvents). Every call needs a subscription key and an auditor's reader key; subscriptions are approved by hand."
  api_management_name   = azurerm_api_management.this.name
  resource_group_name   = azurerm_resource_group.this.name
  subscription_required = true
  approval_required     = true
  subscriptions_limit   = 1
  published             = true
}

resource "azurerm_api_management_product_api" "auditors" {
  api_name            = azurerm_api_management_api.audit.name
  product_id          = azurerm_api_management_product.auditors.product_id
  api_management_name = azurerm_api_management.this.name
  resource_group_name = azurerm_resource_group.this.name
}

# Like the PatientTests API's: W3C trace context, no bodies, and every header or query parameter that
# can carry a key hidden (none of them is in headers_to_log anyway).
resource "azurerm_api_management_api_diagnostic" "auditors" {
  for_each = {
    audit          = azurerm_api_management_api.audit.name
    audit-explorer = azurerm_api_management_api.audit_explorer.name
  }
  identifier                = "applicationinsights"
  api_name                  = each.value
  api_management_name       = azurerm_api_management.this.name
  resource_group_name       = azurerm_resource_group.this.name
  api_management_logger_id  = azurerm_api_management_logger.app_insights.id
  http_correlation_protocol = "W3C"
  operation_name_format     = "Name"
  sampling_percentage       = 100
  always_log_errors         = true
  log_client_ip             = false
  verbosity                 = "information"

  frontend_request {
    body_bytes     = 0
    headers_to_log = ["x-correlation-id", "traceparent"]

    data_masking {
      dynamic "headers" {
        for_each = local.key_headers
        content {
          mode  = "Hide"
          value = headers.value
        }
      }
      dynamic "query_params" {
        for_each = local.key_query_params
        content {
          mode  = "Hide"
          value = query_params.value
        }
      }
    }
  }

  backend_request {
    body_bytes     = 0
    headers_to_log = ["x-correlation-id", "traceparent"]

    data_masking {
      dynamic "headers" {
        for_each = local.key_headers
        content {
          mode  = "Hide"
          value = headers.value
        }
      }
      dynamic "query_params" {
        for_each = local.key_query_params
        content {
          mode  = "Hide"
          value = query_params.value
        }
      }
    }
  }

  frontend_response {
    body_bytes     = 0
    headers_to_log = ["x-correlation-id"]
  }

  backend_response {
    body_bytes     = 0
    headers_to_log = ["x-correlation-id"]
  }
}

locals {
  # Everything that carries a key on the auditors' path: the subscription key, the Functions host key,
  # the auditor's reader key (as sent, and as forwarded), the gateway secret; and the query forms of
  # the first two.
  key_headers      = ["Ocp-Apim-Subscription-Key", "x-functions-key", "x-forwarded-functions-key", "x-gateway-secret"]
  key_query_params = ["subscription-key", "code"]
}
