terraform {
  # 1.11: write-only arguments and the current `terraform test` mock_provider syntax (OpenTofu >= 1.11).
  required_version = ">= 1.11"

  # Only providers that offline validation can build (terraform/scripts/install-providers.sh). The
  # azapi resources (function keys, management-plane secret writes of the rotation) live in the
  # separate root module terraform/rotation/, applied after the packages are deployed.
  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 5.2"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.9"
    }
    time = {
      source  = "hashicorp/time"
      version = "~> 0.14"
    }
  }

  # Partial configuration: the state account is supplied at `terraform init -backend-config=...`
  # (see README.md). The state holds the generated secrets, so the account must be private to the
  # deployment identity.
  backend "azurerm" {}
}

provider "azurerm" {
  subscription_id = var.subscription_id
  # Shared keys are disabled on every storage account, so any data-plane call must use Entra ID.
  storage_use_azuread = true

  features {
    key_vault {
      # Purge protection is on: a destroyed vault stays soft-deleted for its retention period.
      purge_soft_delete_on_destroy = false
    }
    resource_group {
      prevent_deletion_if_contains_resources = true
    }
    template_deployment {
      # Replacing an ARM deployment (keyvault.tf) must not delete what it created: the checkpoint key
      # and the secrets stay (and a purge-protected key could not be created again under its name).
      delete_nested_items_during_deletion = false
    }
    storage {
      # Every storage account has public network access off, and the runner of the first apply is not
      # in the VNet yet: never probe the blob/queue data plane on create (provider #33454, #27752).
      data_plane_available = false
    }
  }
}
