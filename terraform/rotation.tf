# Function key rotation, entirely in Terraform (see README.md, "How a rotation happens").
#
# Each app has two named host keys, "a" and "b", each renewed every var.key_rotation_days by its own
# time_rotating. Key b's schedule is anchored half a period after key a's last rotation, so the two
# alternate: every half period exactly one key changes. Callers are always handed the key that changed
# most recently ("current"); the other key stays valid for another half period, which is the overlap.

locals {
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
  resource_id = "${local.function_app_ids[each.value.app]}/host/default"
  action      = "functionKeys/rotating-${each.value.slot}"
  method      = "PUT"

  body = {
    properties = {
      name  = "rotating-${each.value.slot}"
      value = random_password.function_key[each.key].result
    }
  }

  response_export_values = []

  # Right after an app is created its host may not answer yet; the key API then fails transiently.
  retry = {
    error_message_regex  = ["(?i)(service ?unavailable|bad ?gateway|gateway ?timeout|too ?many ?requests|conflict|not ?found)"]
    interval_seconds     = 15
    max_interval_seconds = 120
  }

  timeouts {
    create = "20m"
    update = "20m"
  }

  # The host stores its keys in the app's storage account, with the app's identity, over the private
  # endpoints: both must be in place first.
  depends_on = [azurerm_role_assignment.functions_storage, azurerm_private_endpoint.this]
}

# The keys an app accepts: both named keys, written after both exist on the host.
resource "azurerm_key_vault_secret" "accepted_keys" {
  #checkov:skip=CKV_AZURE_41:Rotation is driven from Terraform (this file); an expiry would make a missed run an outage.
  for_each = {
    "patient-tests" = var.patient_tests_api_keys_secret_name
    "audit"         = var.audit_api_keys_secret_name
  }
  name         = each.value
  value        = local.accepted_keys[each.key]
  key_vault_id = azurerm_key_vault.this.id
  content_type = "text/plain; comma-separated function keys"

  depends_on = [azapi_resource_action.function_key, azurerm_role_assignment.deployer_secrets_officer, azurerm_private_endpoint.this]
}

# Give every app time to re-read the accepted-keys secret (KEY_VAULT_REFRESH_SECONDS) before callers
# are told to use the new key. Recreated, and so waited for, only when a key rotates.
resource "time_sleep" "key_propagation" {
  for_each        = local.apps
  create_duration = "${var.key_vault_refresh_seconds + 60}s"

  triggers = {
    rotation = "${time_rotating.key_a[each.key].id}/${time_rotating.key_b[each.key].id}"
  }

  depends_on = [azurerm_key_vault_secret.accepted_keys]
}

# The key each caller sends: API Management -> patient-tests, patient-tests -> audit.
resource "azurerm_key_vault_secret" "current_key" {
  #checkov:skip=CKV_AZURE_41:Rotation is driven from Terraform (this file); an expiry would make a missed run an outage.
  for_each = {
    "patient-tests" = var.apim_backend_key_secret_name
    "audit"         = var.audit_api_key_secret_name
  }
  name         = each.value
  value        = local.current_key[each.key]
  key_vault_id = azurerm_key_vault.this.id
  content_type = "text/plain; function key"

  depends_on = [time_sleep.key_propagation]
}
