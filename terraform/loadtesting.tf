# Azure Load Testing runs the Locust test from loadtest/ against the API Management gateway (the only
# public entry point), with a test subscription key (output apim_test_subscription_key).
resource "azurerm_load_test" "this" {
  name                = "lt-${local.name}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  description         = "Locust load test of the PatientTests API through API Management."
  tags                = local.tags

  identity {
    type = "SystemAssigned"
  }
}
