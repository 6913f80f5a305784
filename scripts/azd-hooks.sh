#!/usr/bin/env bash
# Hooks of azure.yaml (`azd up`/`azd deploy`). azd exports terraform/'s outputs as upper-case
# environment variables (RESOURCE_GROUP_NAME, PATIENT_TESTS_FUNCTION_APP_NAME, ...).
#   open-scm      before the deployment: each app's SCM site reachable from this machine only
#   after-deploy  close the SCM sites, apply terraform/rotation/, restart both apps, smoke test
# The GitHub workflow (.github/workflows/deploy.yml) does the same steps in its own jobs.
set -euo pipefail
cd "$(dirname "$0")/.."

rg="${RESOURCE_GROUP_NAME:?run through azd: RESOURCE_GROUP_NAME (a terraform output) is not set}"
apps=("${PATIENT_TESTS_FUNCTION_APP_NAME:?}" "${AUDIT_FUNCTION_APP_NAME:?}")

set_public_access() {
  az resource update -g "$rg" -n "$1" --resource-type Microsoft.Web/sites \
    --set "properties.publicNetworkAccess=$2" --output none
}

case "${1:-}" in
  open-scm)
    ip="$(curl -fsS https://api.ipify.org)"
    for name in "${apps[@]}"; do
      az functionapp config access-restriction add -g "$rg" -n "$name" --scm-site true \
        --rule-name deploy-runner --action Allow --ip-address "${ip}/32" --priority 50 --output none
      # The main site keeps its default Deny with no rule: only SCM answers this machine.
      set_public_access "$name" Enabled
    done
    ;;
  after-deploy)
    for name in "${apps[@]}"; do
      set_public_access "$name" Disabled
      az functionapp config access-restriction remove -g "$rg" -n "$name" --scm-site true \
        --rule-name deploy-runner --output none || true
    done
    sub="$(az account show --query id -o tsv)"
    ids() { echo "/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Web/sites/$1"; }
    cat >terraform/rotation/rotation.auto.tfvars.json <<JSON
{
  "subscription_id": "${sub}",
  "resource_group_name": "${rg}",
  "key_vault_name": "${KEY_VAULT_NAME:?}",
  "api_management_name": "${API_MANAGEMENT_NAME:?}",
  "api_management_api_name": "${API_MANAGEMENT_API_NAME:?}",
  "api_management_audit_api_name": "${API_MANAGEMENT_AUDIT_API_NAME:?}",
  "api_management_audit_explorer_api_name": "${API_MANAGEMENT_AUDIT_EXPLORER_API_NAME:?}",
  "function_app_ids": { "patient-tests": "$(ids "${apps[0]}")", "audit": "$(ids "${apps[1]}")" },
  "app_principal_ids": {
    "patient-tests": "$(az identity show -g "$rg" -n "id-${rg#rg-}-patient-tests" --query principalId -o tsv)",
    "audit": "$(az identity show -g "$rg" -n "id-${rg#rg-}-audit" --query principalId -o tsv)"
  },
  "patient_tests_hostname": "${PATIENT_TESTS_HOSTNAME:?}"
}
JSON
    terraform -chdir=terraform/rotation init -input=false \
      -backend-config="resource_group_name=${RS_RESOURCE_GROUP:?}" \
      -backend-config="storage_account_name=${RS_STORAGE_ACCOUNT:?}" \
      -backend-config="container_name=${RS_CONTAINER_NAME:?}" \
      -backend-config="key=${AZURE_ENV_NAME:?}/rotation.tfstate" \
      -backend-config="use_azuread_auth=true"
    terraform -chdir=terraform/rotation apply -input=false -auto-approve
    for name in "${apps[@]}"; do
      az functionapp restart -g "$rg" -n "$name" --output none
    done
    echo "azd: deployed. Smoke test: curl -H \"Ocp-Apim-Subscription-Key: <key>\" ${API_GATEWAY_URL:-<api_gateway_url>}/api/health"
    ;;
  *)
    echo "usage: $0 open-scm|after-deploy" >&2
    exit 2
    ;;
esac
