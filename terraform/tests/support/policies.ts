import { type Configuration } from './hcl';

/**
 * Security rules written as functions that return violations (empty = pass), so each rule can be run on
 * the real configuration and on a deliberately bad one. The rules about terraform/'s own resources are
 * `tofu test` assertions (main.tftest.hcl) on the real provider's plan.
 */

// --- Outputs ----------------------------------------------------------------------------------------

/** Attribute names and resource types whose values are credentials. */
export const SECRET_EXPRESSION =
  /\.(primary_key|secondary_key|primary_access_key|secondary_access_key|primary_connection_string|secondary_connection_string|primary_mongodb_connection_string|connection_string|instrumentation_key|password|result|value|custom_domain_verification_id)\b|\brandom_password\.|\bazurerm_key_vault_secret\.|\blocal\.(current_key|accepted_keys)\b/;

export function outputViolations(config: Configuration): string[] {
  const violations: string[] = [];
  for (const output of config.outputs) {
    const value = JSON.stringify(output.body.value ?? null);
    if (SECRET_EXPRESSION.test(value) && output.body.sensitive !== true) {
      violations.push(
        `output.${output.name}: exposes a secret and must be sensitive = true`,
      );
    }
    // The service-wide (master) subscription grants access to every API: never exported, even sensitive.
    if (
      /azurerm_api_management\.[a-z_]+\.[a-z_]*key|data\.azurerm_api_management/.test(
        value,
      )
    ) {
      violations.push(
        `output.${output.name}: must not expose API Management's own keys`,
      );
    }
  }
  return violations;
}
