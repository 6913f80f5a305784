resource "azurerm_virtual_network" "this" {
  name                = "vnet-${local.name}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  address_space       = var.vnet_address_space
  tags                = local.tags
}

# API Management (External VNet injection): its calls to the PatientTests app (and the auditors' reads
# of the Audit app) leave from this subnet and reach the apps' private endpoints, whose subnets admit it.
resource "azurerm_subnet" "apim" {
  name                 = "snet-apim"
  resource_group_name  = azurerm_resource_group.this.name
  virtual_network_name = azurerm_virtual_network.this.name
  address_prefixes     = [var.subnet_prefixes.apim]
}

# Outbound VNet integration of the PatientTests app; its calls to the Audit app leave from this subnet
# (vnet_route_all), and the Audit app's private endpoint subnet admits only this one.
resource "azurerm_subnet" "patient_tests_integration" {
  name                            = "snet-func-patient-tests"
  resource_group_name             = azurerm_resource_group.this.name
  virtual_network_name            = azurerm_virtual_network.this.name
  address_prefixes                = [var.subnet_prefixes.patient_tests_integration]
  default_outbound_access_enabled = false

  delegation {
    name = "flex-consumption"
    service_delegation {
      name    = "Microsoft.App/environments"
      actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
    }
  }
}

resource "azurerm_subnet" "audit_integration" {
  name                            = "snet-func-audit"
  resource_group_name             = azurerm_resource_group.this.name
  virtual_network_name            = azurerm_virtual_network.this.name
  address_prefixes                = [var.subnet_prefixes.audit_integration]
  default_outbound_access_enabled = false

  delegation {
    name = "flex-consumption"
    service_delegation {
      name    = "Microsoft.App/environments"
      actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
    }
  }
}

resource "azurerm_subnet" "private_endpoints" {
  name                              = "snet-private-endpoints"
  resource_group_name               = azurerm_resource_group.this.name
  virtual_network_name              = azurerm_virtual_network.this.name
  address_prefixes                  = [var.subnet_prefixes.private_endpoints]
  private_endpoint_network_policies = "Enabled"
  default_outbound_access_enabled   = false
}

# Each app's inbound private endpoint sits in its own subnet, so one NSG (network policies enabled)
# decides who may reach that app: API Management for patient-tests; patient-tests and API Management for audit.
resource "azurerm_subnet" "app_endpoints" {
  for_each                          = local.apps
  name                              = "snet-pe-${each.key}"
  resource_group_name               = azurerm_resource_group.this.name
  virtual_network_name              = azurerm_virtual_network.this.name
  address_prefixes                  = [var.subnet_prefixes["${replace(each.key, "-", "_")}_endpoint"]]
  private_endpoint_network_policies = "Enabled"
  default_outbound_access_enabled   = false
}

# --- Egress -----------------------------------------------------------------------------------------

# The integration subnets have no default outbound access; the apps reach Application Insights and
# other public Azure endpoints through one NAT gateway with a stable, known egress address.
resource "azurerm_public_ip" "nat" {
  name                = "pip-${local.name}-nat"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  allocation_method   = "Static"
  sku                 = "Standard"
  tags                = local.tags
}

resource "azurerm_nat_gateway" "this" {
  name                = "ng-${local.name}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  sku_name            = "Standard"
  tags                = local.tags
}

resource "azurerm_nat_gateway_public_ip_association" "this" {
  nat_gateway_id       = azurerm_nat_gateway.this.id
  public_ip_address_id = azurerm_public_ip.nat.id
}

resource "azurerm_subnet_nat_gateway_association" "patient_tests_integration" {
  subnet_id      = azurerm_subnet.patient_tests_integration.id
  nat_gateway_id = azurerm_nat_gateway.this.id
}

resource "azurerm_subnet_nat_gateway_association" "audit_integration" {
  subnet_id      = azurerm_subnet.audit_integration.id
  nat_gateway_id = azurerm_nat_gateway.this.id
}

# --- Network security groups ---------------------------------------------------------------------

# The rules API Management needs in External mode (stv2): clients on 443, the management plane on
# 3443, the load balancer probe on 6390, and its own dependencies outbound.
resource "azurerm_network_security_group" "apim" {
  name                = "nsg-${local.name}-apim"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tags                = local.tags

  security_rule {
    name                       = "allow-clients-https"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "Internet"
    destination_address_prefix = "VirtualNetwork"
  }

  security_rule {
    name                       = "allow-apim-management"
    priority                   = 110
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "3443"
    source_address_prefix      = "ApiManagement"
    destination_address_prefix = "VirtualNetwork"
  }

  security_rule {
    name                       = "allow-load-balancer"
    priority                   = 120
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "6390"
    source_address_prefix      = "AzureLoadBalancer"
    destination_address_prefix = "VirtualNetwork"
  }

  security_rule {
    name                       = "allow-storage-outbound"
    priority                   = 100
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "Storage"
  }

  security_rule {
    name                       = "allow-sql-outbound"
    priority                   = 110
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "1433"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "Sql"
  }

  security_rule {
    name                       = "allow-key-vault-outbound"
    priority                   = 120
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "AzureKeyVault"
  }

  security_rule {
    name                       = "allow-monitor-outbound"
    priority                   = 130
    direction                  = "Outbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_ranges    = ["443", "1886"]
    source_address_prefix      = "VirtualNetwork"
    destination_address_prefix = "AzureMonitor"
  }
}

# The other subnets carry only VNet-internal and Azure-platform traffic; the default rules suffice,
# and an explicit NSG keeps every subnet under one reviewed policy object.
resource "azurerm_network_security_group" "internal" {
  name                = "nsg-${local.name}-internal"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tags                = local.tags

  security_rule {
    name                       = "deny-internet-inbound"
    priority                   = 4000
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "Internet"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "apim" {
  subnet_id                 = azurerm_subnet.apim.id
  network_security_group_id = azurerm_network_security_group.apim.id
}

resource "azurerm_subnet_network_security_group_association" "patient_tests_integration" {
  subnet_id                 = azurerm_subnet.patient_tests_integration.id
  network_security_group_id = azurerm_network_security_group.internal.id
}

resource "azurerm_subnet_network_security_group_association" "audit_integration" {
  subnet_id                 = azurerm_subnet.audit_integration.id
  network_security_group_id = azurerm_network_security_group.internal.id
}

resource "azurerm_subnet_network_security_group_association" "private_endpoints" {
  subnet_id                 = azurerm_subnet.private_endpoints.id
  network_security_group_id = azurerm_network_security_group.internal.id
}

locals {
  # The subnets allowed to call each app. Audit has two callers, for two different keys: patient-tests
  # appends (its append key), and API Management forwards the auditors' reads (their reader keys,
  # behind the auditors' product; README.md "The auditors' path"). Which routes each may use is decided
  # by the keys and by what API Management publishes, not by the network.
  app_callers = {
    "patient-tests" = [azurerm_subnet.apim]
    "audit"         = [azurerm_subnet.patient_tests_integration, azurerm_subnet.apim]
  }
}

# Inbound to an app's private endpoint: HTTPS from its callers' subnets, nothing else from anywhere
# (the explicit deny overrides the default AllowVnetInBound). The Function Apps' own access
# restrictions (default Deny, no rule) govern their public endpoint, which is disabled; traffic through
# a private endpoint is not subject to them, so this NSG is what admits or refuses it.
resource "azurerm_network_security_group" "app_endpoints" {
  for_each            = local.apps
  name                = "nsg-${local.name}-pe-${each.key}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tags                = local.tags

  security_rule {
    name                       = "allow-caller-https"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "443"
    source_address_prefixes    = flatten([for caller in local.app_callers[each.key] : caller.address_prefixes])
    destination_address_prefix = var.subnet_prefixes["${replace(each.key, "-", "_")}_endpoint"]
  }

  security_rule {
    name                       = "deny-everything-else"
    priority                   = 4000
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "*"
    source_port_range          = "*"
    destination_port_range     = "*"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

resource "azurerm_subnet_network_security_group_association" "app_endpoints" {
  for_each                  = local.apps
  subnet_id                 = azurerm_subnet.app_endpoints[each.key].id
  network_security_group_id = azurerm_network_security_group.app_endpoints[each.key].id
}

# --- Private DNS and private endpoints -------------------------------------------------------------

locals {
  private_dns_zones = {
    blob      = "privatelink.blob.core.windows.net"
    queue     = "privatelink.queue.core.windows.net"
    table     = "privatelink.table.core.windows.net"
    mongo     = "privatelink.mongo.cosmos.azure.com"
    key_vault = "privatelink.vaultcore.azure.net"
    sites     = "privatelink.azurewebsites.net"
  }

  # One private endpoint per (resource, sub-resource): the Functions host uses blob, queue and table.
  # Every data service sits in snet-private-endpoints; the apps' own endpoints are below.
  private_endpoints = merge(
    {
      for pair in setproduct(keys(local.apps), ["blob", "queue", "table"]) :
      "st-${pair[0]}-${pair[1]}" => {
        resource_id = azurerm_storage_account.functions[pair[0]].id
        subresource = pair[1]
        zone        = pair[1]
        subnet_id   = azurerm_subnet.private_endpoints.id
      }
    },
    {
      for app in keys(local.apps) : "cosmos-${app}" => {
        resource_id = azurerm_cosmosdb_account.this[app].id
        subresource = "MongoDB"
        zone        = "mongo"
        subnet_id   = azurerm_subnet.private_endpoints.id
      }
    },
    {
      key-vault = {
        resource_id = azurerm_key_vault.this.id
        subresource = "vault"
        zone        = "key_vault"
        subnet_id   = azurerm_subnet.private_endpoints.id
      }
      st-checkpoints-blob = {
        resource_id = azurerm_storage_account.checkpoints.id
        subresource = "blob"
        zone        = "blob"
        subnet_id   = azurerm_subnet.private_endpoints.id
      }
    },
  )
}

resource "azurerm_private_dns_zone" "this" {
  for_each            = local.private_dns_zones
  name                = each.value
  resource_group_name = azurerm_resource_group.this.name
  tags                = local.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "this" {
  for_each             = local.private_dns_zones
  name                 = "link-${each.key}"
  private_dns_zone_id  = azurerm_private_dns_zone.this[each.key].id
  virtual_network_id   = azurerm_virtual_network.this.id
  registration_enabled = false
  tags                 = local.tags
}

resource "azurerm_private_endpoint" "this" {
  for_each            = local.private_endpoints
  name                = "pe-${local.name}-${each.key}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  subnet_id           = each.value.subnet_id
  tags                = local.tags

  private_service_connection {
    name                           = "psc-${each.key}"
    private_connection_resource_id = each.value.resource_id
    subresource_names              = [each.value.subresource]
    is_manual_connection           = false
  }

  private_dns_zone_group {
    name                 = "default"
    private_dns_zone_ids = [azurerm_private_dns_zone.this[each.value.zone].id]
  }

  # An endpoint resolves only once its zone is linked, and its subnet must carry its NSG from the start.
  depends_on = [
    azurerm_private_dns_zone_virtual_network_link.this,
    azurerm_subnet_network_security_group_association.private_endpoints,
    azurerm_subnet_network_security_group_association.app_endpoints,
  ]
}

# Each app's only way in: a private endpoint in its own subnet (see azurerm_network_security_group.
# app_endpoints). It also carries the SCM site (<app>.scm.azurewebsites.net in the same zone).
resource "azurerm_private_endpoint" "apps" {
  for_each            = local.apps
  name                = "pe-${local.name}-func-${each.key}"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  subnet_id           = azurerm_subnet.app_endpoints[each.key].id
  tags                = local.tags

  private_service_connection {
    name                           = "psc-func-${each.key}"
    private_connection_resource_id = local.function_app_ids[each.key]
    subresource_names              = ["sites"]
    is_manual_connection           = false
  }

  private_dns_zone_group {
    name                 = "default"
    private_dns_zone_ids = [azurerm_private_dns_zone.this["sites"].id]
  }

  depends_on = [
    azurerm_resource_group_template_deployment.function_app,
    azurerm_private_dns_zone_virtual_network_link.this,
    azurerm_subnet_network_security_group_association.app_endpoints,
  ]
}
