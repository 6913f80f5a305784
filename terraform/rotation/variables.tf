# Everything about the environment comes from terraform/'s outputs (README.md shows the one command
# that turns them into rotation.auto.tfvars.json).

variable "subscription_id" {
  description = "Azure subscription of the environment (ARM_SUBSCRIPTION_ID also works)."
  type        = string
  default     = null
}

variable "resource_group_name" {
  description = "terraform output resource_group_name."
  type        = string
}

variable "key_vault_name" {
  description = "terraform output key_vault_name."
  type        = string
}

variable "api_management_name" {
  description = "terraform output api_management_name."
  type        = string
}

variable "api_management_api_name" {
  description = "terraform output api_management_api_name."
  type        = string
}

variable "function_app_ids" {
  description = "terraform output function_app_ids: app name => Function App resource id."
  type        = map(string)

  validation {
    condition     = toset(keys(var.function_app_ids)) == toset(["patient-tests", "audit"])
    error_message = "function_app_ids must name exactly patient-tests and audit."
  }
}

variable "app_principal_ids" {
  description = "terraform output app_principal_ids: app name => principal id of its user-assigned identity."
  type        = map(string)
}

variable "patient_tests_hostname" {
  description = "terraform output patient_tests_hostname: the app's host name (resolved to its private endpoint inside the VNet)."
  type        = string
}

variable "key_rotation_days" {
  description = "Lifetime of each named function key. The two keys of an app are staggered by half of it, so callers always have a key that stays valid for at least key_rotation_days / 2."
  type        = number
  default     = 30

  validation {
    # Half the period must comfortably exceed the slowest consumer refresh (APIM re-reads Key Vault
    # named values every 4 hours; the apps every key_vault_refresh_seconds).
    condition     = var.key_rotation_days >= 2 && floor(var.key_rotation_days) == var.key_rotation_days
    error_message = "key_rotation_days must be a whole number of days, at least 2."
  }
}

variable "key_vault_refresh_seconds" {
  description = "KEY_VAULT_REFRESH_SECONDS of the apps (terraform/'s variable of the same name)."
  type        = number
  default     = 300
}

variable "patient_tests_api_keys_secret_name" {
  description = "Secret holding the comma-separated keys patient-tests accepts."
  type        = string
  default     = "patient-tests-api-keys"
}

variable "audit_api_keys_secret_name" {
  description = "Secret holding the comma-separated keys audit accepts (API_KEYS: append only)."
  type        = string
  default     = "audit-api-keys"
}

variable "audit_api_key_secret_name" {
  description = "Secret holding the key patient-tests sends to audit."
  type        = string
  default     = "audit-api-key"
}

variable "apim_backend_key_secret_name" {
  description = "Secret holding the patient-tests function key API Management sends as x-functions-key."
  type        = string
  default     = "patient-tests-function-key"
}

variable "apim_audit_backend_key_secret_name" {
  description = "Secret holding the audit host key API Management sends as x-functions-key on the auditors' path (in neither of audit's role lists)."
  type        = string
  default     = "audit-gateway-function-key"
}

variable "api_management_audit_api_name" {
  description = "terraform output api_management_audit_api_name: the auditors' API (the register's read side)."
  type        = string
  default     = "audit"
}

variable "api_management_audit_explorer_api_name" {
  description = "terraform output api_management_audit_explorer_api_name: the audit explorer's page files."
  type        = string
  default     = "audit-explorer"
}

variable "gateway_secret_named_value" {
  description = "API Management named value holding the gateway secret (created by terraform/)."
  type        = string
  default     = "gateway-secret"
}

variable "apim_rate_limit_calls" {
  description = "Calls allowed per subscription in each renewal period."
  type        = number
  default     = 600
}

variable "apim_rate_limit_period_seconds" {
  description = "Renewal period of the per-subscription rate limit."
  type        = number
  default     = 60
}

variable "github_repository" {
  description = "owner/name of the GitHub repository whose `production` environment may log in as the rotation identity (OIDC); null for none."
  type        = string
  default     = null
}
