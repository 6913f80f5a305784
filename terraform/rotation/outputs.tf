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

output "rotation_identity_client_id" {
  description = "Client id of the rotation identity (AZURE_CLIENT_ID of the scheduled rotation job)."
  value       = azurerm_user_assigned_identity.rotation.client_id
}
