#!/usr/bin/env bash
# Offline checks of terraform/, failing on the first problem:
#   1. tofu fmt -check (both root modules)
#   2. terraform/ (azurerm, random, time): tofu init from the locally built providers, tofu validate,
#      tofu test (plan-level, mock providers, tests/*.tftest.hcl), and the real azurerm schema written
#      to .tools/tofu-providers/azurerm-schema.json for the jest schema lint of terraform/rotation/
#   3. checkov on both modules
# The jest tests (`npx jest --selectProjects terraform`) run separately, after this.
set -euo pipefail

root="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
cd "${root}"

bash terraform/scripts/install-tools.sh
bash terraform/scripts/install-providers.sh

# Some machines point TF_CLI_CONFIG_FILE at a file that does not exist; tofu then warns on every call.
if [[ -n "${TF_CLI_CONFIG_FILE:-}" && ! -f "${TF_CLI_CONFIG_FILE}" ]]; then
  unset TF_CLI_CONFIG_FILE
fi

tofu="${root}/.tools/bin/tofu"
elapsed() { echo "$(($(date +%s) - $1))s"; }

echo "check: tofu fmt -check -recursive terraform"
if ! "${tofu}" fmt -check -recursive -diff terraform; then
  echo "check: formatting differs; run: .tools/bin/tofu fmt -recursive terraform" >&2
  exit 1
fi

# The module is checked in a scratch copy, so that `tofu init` writes no lock file (its hashes would be
# those of the local builds, not the registry's) and no .terraform/ into the work tree. apps/ is linked
# beside it because the module reads apps/patient-tests/openapi.json.
work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
mkdir -p "${work}/terraform"
cp -r terraform/*.tf terraform/collections.json terraform/templates "${work}/terraform/"
mkdir -p "${work}/terraform/tests"
cp terraform/tests/*.tftest.hcl "${work}/terraform/tests/"
ln -s "${root}/apps" "${work}/apps"
# A local backend instead of azurerm (no Azure here); `tofu providers schema` needs an initialised one.
cat >"${work}/terraform/backend_override.tf" <<EOF
terraform {
  backend "local" {
    path = "${work}/terraform.tfstate"
  }
}
EOF
cat >"${work}/tofurc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "${root}/.tools/tofu-providers"
    include = ["registry.opentofu.org/hashicorp/*"]
  }
}
EOF
export TF_CLI_CONFIG_FILE="${work}/tofurc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

start=$(date +%s)
echo "check: tofu init (providers from .tools/tofu-providers, local backend)"
"${tofu}" -chdir="${work}/terraform" init -input=false -no-color >/dev/null
echo "check: tofu validate terraform"
"${tofu}" -chdir="${work}/terraform" validate -no-color
echo "check: tofu test terraform (plan-level, mocked providers)"
"${tofu}" -chdir="${work}/terraform" test -no-color
"${tofu}" -chdir="${work}/terraform" providers schema -json >"${root}/.tools/tofu-providers/azurerm-schema.json.tmp"
mv "${root}/.tools/tofu-providers/azurerm-schema.json.tmp" "${root}/.tools/tofu-providers/azurerm-schema.json"
echo "check: tofu init/validate/test took $(elapsed "${start}")"

# The point of the real provider: its own validators run. A known-bad configuration must be refused
# by `tofu validate` with the provider's messages, or the checks above prove nothing.
echo "check: tofu validate refuses a configuration the azurerm 5.x provider rejects"
mkdir -p "${work}/broken"
cat >"${work}/broken/main.tf" <<'EOF'
terraform {
  required_providers {
    azurerm = { source = "hashicorp/azurerm", version = "~> 5.2" }
  }
}
provider "azurerm" {
  features {}
}
resource "azurerm_storage_account" "old_tls" {
  name                     = "stbroken"
  resource_group_name      = "rg"
  location                 = "westeurope"
  account_tier             = "Standard"
  account_replication_type = "LRS"
  min_tls_version          = "TLS1_0"
}
resource "azurerm_key_vault" "no_rbac_choice" {
  name                = "kv-broken"
  resource_group_name = "rg"
  location            = "westeurope"
  tenant_id           = "00000000-0000-0000-0000-000000000000"
  sku_name            = "standard"
}
EOF
"${tofu}" -chdir="${work}/broken" init -backend=false -input=false -no-color >/dev/null
if broken="$("${tofu}" -chdir="${work}/broken" validate -no-color 2>&1)"; then
  echo "check: tofu validate accepted a configuration the provider must reject" >&2
  exit 1
fi
for expected in 'min_tls_version' 'TLS1_0' 'rbac_authorization_enabled'; do
  if ! grep -q "${expected}" <<<"${broken}"; then
    echo "check: tofu validate failed, but not with the provider's message about ${expected}:" >&2
    echo "${broken}" >&2
    exit 1
  fi
done

echo "check: checkov (terraform framework; terraform/ and, recursively, terraform/rotation/)"
# Every skip is inline, next to the resource, with its reason; nothing is skipped here.
.tools/checkov-venv/bin/checkov --directory terraform --framework terraform --compact --quiet \
  --skip-download

echo "check: terraform checks passed"
