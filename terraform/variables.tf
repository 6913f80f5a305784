variable "subscription_id" {
  description = "Azure subscription to deploy into (azurerm 4.x requires it explicitly; ARM_SUBSCRIPTION_ID also works)."
  type        = string
  default     = null
}

variable "name" {
  description = "Short application name used in every resource name."
  type        = string
  default     = "ptests"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,11}$", var.name))
    error_message = "name must be 2-12 characters: lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Environment name (dev, test, prod, ...), appended to resource names."
  type        = string
  default     = "dev"

  validation {
    condition     = can(regex("^[a-z0-9]{1,8}$", var.environment))
    error_message = "environment must be 1-8 lower-case letters or digits."
  }
}

variable "location" {
  description = "Azure region for every resource. It must offer Flex Consumption and Azure Load Testing."
  type        = string
  default     = "westeurope"
}

variable "tags" {
  description = "Tags added to every resource that supports them."
  type        = map(string)
  default     = {}
}

# --- Network -----------------------------------------------------------------------------------

variable "vnet_address_space" {
  description = "Address space of the virtual network."
  type        = list(string)
  default     = ["10.20.0.0/16"]
}

variable "subnet_prefixes" {
  description = "Address prefix of each subnet. Flex Consumption integration subnets need at least a /28; APIM a /27 or larger."
  type = object({
    apim                      = string
    patient_tests_integration = string
    audit_integration         = string
    private_endpoints         = string
    patient_tests_endpoint    = string
    audit_endpoint            = string
  })
  default = {
    apim                      = "10.20.0.0/27"
    patient_tests_integration = "10.20.1.0/26"
    audit_integration         = "10.20.2.0/26"
    private_endpoints         = "10.20.3.0/26"
    patient_tests_endpoint    = "10.20.4.0/28"
    audit_endpoint            = "10.20.4.16/28"
  }
}

# --- Function Apps -----------------------------------------------------------------------------

variable "function_instance_memory_mb" {
  description = "Instance memory of each Flex Consumption app (512, 2048 or 4096)."
  type        = number
  default     = 2048

  validation {
    condition     = contains([512, 2048, 4096], var.function_instance_memory_mb)
    error_message = "function_instance_memory_mb must be 512, 2048 or 4096."
  }
}

variable "function_maximum_instance_count" {
  description = "Scale-out limit of each Flex Consumption app."
  type        = number
  default     = 40
}

variable "audit_timeout_ms" {
  description = "AUDIT_TIMEOUT_MS for patient-tests: how long a call to the audit API may take."
  type        = number
  default     = 5000
}

variable "key_vault_refresh_seconds" {
  description = "KEY_VAULT_REFRESH_SECONDS: how often the apps re-read their Key Vault secrets."
  type        = number
  default     = 300
}

# --- Key Vault (the defaults are the names the apps read) ---------------------------------------

variable "audit_api_key_secret_name" {
  description = "Secret holding the key patient-tests sends to audit (written by terraform/rotation/; KEY_VAULT_SECRET_AUDIT_API_KEY)."
  type        = string
  default     = "audit-api-key"
}

variable "gateway_secret_name" {
  description = "Secret holding GATEWAY_SECRET, the x-gateway-secret header API Management adds to every forwarded request."
  type        = string
  default     = "gateway-secret"
}

variable "audit_reader_keys_secret_name" {
  description = "Secret holding AUDIT_READER_KEYS, the auditors' keys for the audit API's read side."
  type        = string
  default     = "audit-reader-keys"
}

variable "loadtest_subscription_key_secret_name" {
  description = "Secret holding the API Management subscription key the Azure Load Testing run uses."
  type        = string
  default     = "loadtest-subscription-key"
}

# --- Signed audit checkpoints ---------------------------------------------------------------------

variable "checkpoint_key_name" {
  description = "Key Vault key the audit app signs checkpoints with (CHECKPOINT_KEY_ID, versionless)."
  type        = string
  default     = "audit-checkpoint"
}

variable "checkpoint_interval_seconds" {
  description = "CHECKPOINT_INTERVAL_SECONDS of the audit app."
  type        = number
  default     = 300
}

variable "checkpoint_immutability_days" {
  description = "How long each checkpoint blob cannot be changed or deleted."
  type        = number
  default     = 365
}

variable "checkpoint_immutability_locked" {
  description = "Lock the checkpoint container's immutability policy (irreversible; production)."
  type        = bool
  default     = false
}

variable "auditor_principal_ids" {
  description = "Entra object ids (users, groups, service principals) that may read the checkpoint key's public part."
  type        = list(string)
  default     = []
}

# --- Cosmos DB ---------------------------------------------------------------------------------

variable "patient_tests_database_name" {
  description = "MongoDB database of patient-tests (MONGODB_DATABASE)."
  type        = string
  default     = "patient-tests"
}

variable "audit_database_name" {
  description = "MongoDB database of audit (MONGODB_DATABASE)."
  type        = string
  default     = "audit"
}

# --- API Management ----------------------------------------------------------------------------

variable "apim_sku_name" {
  description = "API Management SKU. Developer_1 supports VNet injection (see README for StandardV2)."
  type        = string
  default     = "Developer_1"

  validation {
    condition     = can(regex("^(Developer|Premium)_[0-9]+$", var.apim_sku_name))
    error_message = "Only Developer and Premium support the External VNet injection this configuration uses."
  }
}

variable "apim_publisher_name" {
  description = "Publisher name shown by API Management."
  type        = string
  default     = "Patient Tests"
}

variable "apim_publisher_email" {
  description = "Publisher e-mail for API Management notifications."
  type        = string
  default     = "platform@example.com"
}

variable "apim_api_path" {
  description = "Path under the gateway URL where the PatientTests API is published."
  type        = string
  default     = "patient-tests"
}

variable "apim_audit_api_path" {
  description = "Path under the gateway URL where the auditors' API (the audit register's read side) is published."
  type        = string
  default     = "audit"
}

variable "apim_audit_explorer_path" {
  description = "Path under the gateway URL where the audit explorer's page files are published (no data, no key)."
  type        = string
  default     = "audit-explorer"
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

# --- Monitoring --------------------------------------------------------------------------------

variable "log_retention_days" {
  description = "Retention of the Log Analytics workspace."
  type        = number
  default     = 30
}
