# Function key rotation, entirely in Terraform (see ../README.md, "How a rotation happens"). Applied
# after the packages are deployed: a Flex Consumption host without a package cannot store keys.
#
# Each app has two named host keys, "a" and "b", each renewed every var.key_rotation_days by its own
# time_rotating. Key b's schedule is anchored half a period after key a's last rotation, so the two
# alternate: every half period exactly one key changes. Callers are always handed the key that changed
# most recently ("current"); the other key stays valid for another half period, which is the overlap.

data "azurerm_key_vault" "this" {
  name                = var.key_vault_name
  resource_group_name = var.resource_group_name
}

locals {
  apps              = { for app in keys(var.function_app_ids) : app => {} }
  kv_uri            = data.azurerm_key_vault.this.vault_uri
  half_period_hours = var.key_rotation_days * 12

  key_slots = {
    for pair in setproduct(keys(local.apps), ["a", "b"]) :
    "${pair[0]}-${pair[1]}" => { app = pair[0], slot = pair[1] }
  }

  # The slot that rotated last is the one callers use; the other is only kept valid for the overlap.
  current_slot = {
    for app in keys(local.apps) :
    app => timecmp(time_rotating.key_b[app].rfc3339, time_rotating.key_a[app].rfc3339) > 0 ? "b" : "a"
  }

  current_key = {
    for app in keys(local.apps) :
    app => random_password.function_key["${app}-${local.current_slot[app]}"].result
  }

  accepted_keys = {
    for app in keys(local.apps) :
    app => join(",", [random_password.function_key["${app}-a"].result, random_password.function_key["${app}-b"].result])
  }

  # For every PUT of a host key: right after a deployment the host may still be starting; the key API
  # then answers 400 or 500 (the Flex host's "not ready" answers) or a gateway error. Bounded by each
  # action's timeouts.
  host_not_ready_retry = {
    error_message_regex  = ["(?i)(service ?unavailable|bad ?gateway|gateway ?timeout|too ?many ?requests|conflict|not ?found|internal ?server ?error|bad ?request)"]
    interval_seconds     = 15
    max_interval_seconds = 120
  }
}

resource "time_rotating" "key_a" {
  for_each      = local.apps
  rotation_days = var.key_rotation_days
}

resource "time_rotating" "key_b" {
  for_each      = local.apps
  rotation_days = var.key_rotation_days
  # Half a period after key a's latest rotation. Read only when this resource is (re)created: after
  # that, key a moving on must not drag key b with it, hence ignore_changes.
  rfc3339 = timeadd(time_rotating.key_a[each.key].rfc3339, "${local.half_period_hours}h")

  lifecycle {
    ignore_changes = [rfc3339]
  }
}

resource "random_password" "function_key" {
  for_each = local.key_slots
  length   = 56
  special  = false

  keepers = {
    rotation = each.value.slot == "a" ? time_rotating.key_a[each.value.app].id : time_rotating.key_b[each.value.app].id
  }
}

# PUT /sites/{app}/host/default/functionKeys/{name}: creates or replaces a named host key. The old
# value of that name stops working at once, which is safe because callers use the other key by then.
resource "azapi_resource_action" "function_key" {
  for_each    = local.key_slots
  type        = "Microsoft.Web/sites/host@2024-04-01"
  resource_id = "${var.function_app_ids[each.value.app]}/host/default"
  action      = "functionKeys/rotating-${each.value.slot}"
  method      = "PUT"

  body = {
    properties = {
      name  = "rotating-${each.value.slot}"
      value = random_password.function_key[each.key].result
    }
  }

  response_export_values = []

  retry = local.host_not_ready_retry

  timeouts {
    create = "20m"
    update = "20m"
  }
}

# The master key and the "default" function key are created by the host with random values and, if
# never rotated, stay valid forever. Nobody is handed either; they are replaced on the same schedule
# as key a, so a leaked copy expires.
resource "random_password" "host_key" {
  for_each = {
    for pair in setproduct(keys(local.apps), ["masterKey/_master", "functionKeys/default"]) :
    "${pair[0]}/${pair[1]}" => { app = pair[0], key = pair[1] }
  }
  length  = 56
  special = false

  keepers = {
    rotation = time_rotating.key_a[each.value.app].id
  }
}

resource "azapi_resource_action" "host_key" {
  for_each    = random_password.host_key
  type        = "Microsoft.Web/sites/host@2024-04-01"
  resource_id = "${var.function_app_ids[split("/", each.key)[0]]}/host/default"
  action      = join("/", slice(split("/", each.key), 1, 3))
  method      = "PUT"

  body = {
    properties = {
      name  = split("/", each.key)[2]
      value = each.value.result
    }
  }

  response_export_values = []

  retry = local.host_not_ready_retry

  timeouts {
    create = "20m"
    update = "20m"
  }
}

# --- API Management's own host key for audit (the auditors' path) --------------------------------

# The auditors' API passes the audit app's Functions host with this key and forwards the auditor's
# reader key beside it (../README.md, "The auditors' path"). It opens the host and nothing else: it is
# in neither of audit's role lists (accepted_keys below holds only rotating-a/-b, the append keys, and
# audit-reader-keys only the auditors' keys), so API Management alone can neither read nor append.
# Two staggered slots on audit's own schedule, so the key API Management holds always has an overlap.
resource "random_password" "gateway_key" {
  for_each = toset(["a", "b"])
  length   = 56
  special  = false

  keepers = {
    rotation = each.key == "a" ? time_rotating.key_a["audit"].id : time_rotating.key_b["audit"].id
  }
}

resource "azapi_resource_action" "gateway_key" {
  for_each    = random_password.gateway_key
  type        = "Microsoft.Web/sites/host@2024-04-01"
  resource_id = "${var.function_app_ids["audit"]}/host/default"
  action      = "functionKeys/apim-auditors-${each.key}"
  method      = "PUT"

  body = {
    properties = {
      name  = "apim-auditors-${each.key}"
      value = each.value.result
    }
  }

  response_export_values = []

  retry = {
    error_message_regex  = ["(?i)(service ?unavailable|bad ?gateway|gateway ?timeout|too ?many ?requests|conflict|not ?found|internal ?server ?error|bad ?request)"]
    interval_seconds     = 15
    max_interval_seconds = 120
  }

  timeouts {
    create = "20m"
    update = "20m"
  }
}

# The host accepts a named key as soon as it is PUT (no app re-reads a list), so API Management can be
# handed the current slot right away; the other slot stays valid for half a period (>= 1 day), far
# beyond the 4 hours API Management takes to re-read its named value.
resource "azapi_resource" "gateway_key" {
  type      = "Microsoft.KeyVault/vaults/secrets@2023-07-01"
  parent_id = data.azurerm_key_vault.this.id
  name      = var.apim_audit_backend_key_secret_name

  body = {
    properties = {
      value       = random_password.gateway_key[local.current_slot["audit"]].result
      contentType = "text/plain; audit host key for API Management (auditors' path; no role)"
    }
  }

  response_export_values = []

  depends_on = [azapi_resource_action.gateway_key]
}

# Secrets are written through the Key Vault resource provider (management plane): the vault has no
# public access and the runner needs no path into the VNet. No expiry (CKV_AZURE_41's concern): rotation
# is driven from here, and an expiry would turn a missed run into an outage instead of a late rotation.

# The keys an app accepts: both named keys, written after both exist on the host.
resource "azapi_resource" "accepted_keys" {
  for_each = {
    "patient-tests" = var.patient_tests_api_keys_secret_name
    "audit"         = var.audit_api_keys_secret_name
  }
  type      = "Microsoft.KeyVault/vaults/secrets@2023-07-01"
  parent_id = data.azurerm_key_vault.this.id
  name      = each.value

  body = {
    properties = {
      value       = local.accepted_keys[each.key]
      contentType = "text/plain; comma-separated function keys"
    }
  }

  response_export_values = []

  depends_on = [azapi_resource_action.function_key]
}

# Give every app time to re-read the accepted-keys secret (KEY_VAULT_REFRESH_SECONDS) before callers
# are told to use the new key. Recreated, and so waited for, only when a key rotates.
resource "time_sleep" "key_propagation" {
  for_each        = local.apps
  create_duration = "${var.key_vault_refresh_seconds + 60}s"

  triggers = {
    rotation = "${time_rotating.key_a[each.key].id}/${time_rotating.key_b[each.key].id}"
  }

  depends_on = [azapi_resource.accepted_keys]
}

# The key each caller sends: API Management -> patient-tests, patient-tests -> audit.
resource "azapi_resource" "current_key" {
  for_each = {
    "patient-tests" = var.apim_backend_key_secret_name
    "audit"         = var.audit_api_key_secret_name
  }
  type      = "Microsoft.KeyVault/vaults/secrets@2023-07-01"
  parent_id = data.azurerm_key_vault.this.id
  name      = each.value

  body = {
    properties = {
      value       = local.current_key[each.key]
      contentType = "text/plain; function key"
    }
  }

  response_export_values = []

  depends_on = [time_sleep.key_propagation]
}

# --- Who reads the rotating secrets ("Key Vault Secrets User" on single secrets) -----------------

data "azurerm_api_management" "this" {
  name                = var.api_management_name
  resource_group_name = var.resource_group_name
}

locals {
  secret_readers = {
    "patient-tests/api-keys"      = { principal = var.app_principal_ids["patient-tests"], secret = var.patient_tests_api_keys_secret_name }
    "patient-tests/audit-api-key" = { principal = var.app_principal_ids["patient-tests"], secret = var.audit_api_key_secret_name }
    "audit/api-keys"              = { principal = var.app_principal_ids["audit"], secret = var.audit_api_keys_secret_name }
    "apim/backend-key"            = { principal = data.azurerm_api_management.this.identity[0].principal_id, secret = var.apim_backend_key_secret_name }
    "apim/audit-backend-key"      = { principal = data.azurerm_api_management.this.identity[0].principal_id, secret = var.apim_audit_backend_key_secret_name }
  }
}

# Created after the secret exists (a role assignment on a missing secret fails); the scope is only a
# string, hence the explicit dependencies.
resource "azurerm_role_assignment" "secret_readers" {
  for_each             = local.secret_readers
  scope                = "${data.azurerm_key_vault.this.id}/secrets/${each.value.secret}"
  role_definition_name = "Key Vault Secrets User"
  principal_id         = each.value.principal
  principal_type       = "ServicePrincipal"

  depends_on = [azapi_resource.accepted_keys, azapi_resource.current_key, azapi_resource.gateway_key]
}
