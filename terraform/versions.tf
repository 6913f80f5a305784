terraform {
  # 1.11: write-only arguments and the current `terraform test` mock_provider syntax.
  required_version = ">= 1.11"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.40"
    }
    azapi = {
      source  = "Azure/azapi"
      version = "~> 2.5"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.7"
    }
    time = {
      source  = "hashicorp/time"
      version = "~> 0.13"
    }
  }

  # Partial configuration: the state account is supplied at `terraform init -backend-config=...`
  # (see README.md). The state holds the generated function keys, so the account must be private to
  # the deployment identity.
  backend "azurerm" {}
}

provider "azurerm" {
  subscription_id = var.subscription_id
  # Shared keys are disabled on every storage account, so data-plane calls must use Entra ID.
  storage_use_azuread = true

  features {
    key_vault {
      # Purge protection is on: a destroyed vault stays soft-deleted for its retention period.
      purge_soft_delete_on_destroy = false
    }
    resource_group {
      prevent_deletion_if_contains_resources = true
    }
  }
}

provider "azapi" {
  subscription_id = var.subscription_id
}
