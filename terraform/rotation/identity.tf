# The identity scheduled rotations run as (the deploy workflow's `rotate` job logs in as it through
# OIDC). It can read the environment (to plan), write host keys on the two apps and write secrets in
# the one vault through the management plane; it cannot change the apps, the network or anything else.

data "azurerm_resource_group" "this" {
  name = var.resource_group_name
}

resource "azurerm_user_assigned_identity" "rotation" {
  name                = "id-${trimprefix(var.resource_group_name, "rg-")}-rotation"
  location            = data.azurerm_resource_group.this.location
  resource_group_name = var.resource_group_name
}

resource "azurerm_role_definition" "host_key_writer" {
  name        = "Function host key writer (${var.resource_group_name})"
  scope       = data.azurerm_resource_group.this.id
  description = "Create or replace Function App host keys; nothing else."

  permissions {
    actions = [
      "Microsoft.Web/sites/host/functionKeys/write",
      "Microsoft.Web/sites/host/masterKey/write",
    ]
  }

  assignable_scopes = [data.azurerm_resource_group.this.id]
}

resource "azurerm_role_definition" "vault_secret_writer" {
  name        = "Key Vault secret writer, management plane (${var.resource_group_name})"
  scope       = data.azurerm_key_vault.this.id
  description = "Write secrets through the Key Vault resource provider; no data-plane read."

  permissions {
    actions = ["Microsoft.KeyVault/vaults/secrets/write"]
  }

  assignable_scopes = [data.azurerm_key_vault.this.id]
}

resource "azurerm_role_assignment" "rotation" {
  for_each = merge(
    {
      reader = { scope = data.azurerm_resource_group.this.id, role = "Reader", id = null }
      vault  = { scope = data.azurerm_key_vault.this.id, role = null, id = azurerm_role_definition.vault_secret_writer.role_definition_resource_id }
    },
    { for app, id in var.function_app_ids : "host-keys-${app}" => { scope = id, role = null, id = azurerm_role_definition.host_key_writer.role_definition_resource_id } },
  )
  scope                = each.value.scope
  role_definition_name = each.value.role
  role_definition_id   = each.value.id
  principal_id         = azurerm_user_assigned_identity.rotation.principal_id
  principal_type       = "ServicePrincipal"
}

resource "azurerm_federated_identity_credential" "github" {
  count                     = var.github_repository == null ? 0 : 1
  name                      = "github-rotation"
  user_assigned_identity_id = azurerm_user_assigned_identity.rotation.id
  audience                  = ["api://AzureADTokenExchange"]
  issuer                    = "https://token.actions.githubusercontent.com"
  subject                   = "repo:${var.github_repository}:environment:rotation"
}
