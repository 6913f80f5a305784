#!/usr/bin/env bash
# Offline checks of terraform/: formatting (OpenTofu) and checkov. The jest schema and policy tests run
# separately (`npx jest --selectProjects terraform`). Exits non-zero on any failure.
set -euo pipefail

root="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
cd "${root}"

bash terraform/scripts/install-tools.sh

# Some machines point TF_CLI_CONFIG_FILE at a file that does not exist; tofu then warns on every call.
if [[ -n "${TF_CLI_CONFIG_FILE:-}" && ! -f "${TF_CLI_CONFIG_FILE}" ]]; then
  unset TF_CLI_CONFIG_FILE
fi

status=0

echo "check: tofu fmt -check -recursive terraform"
if ! .tools/bin/tofu fmt -check -recursive -diff terraform; then
  echo "check: formatting differs; run: .tools/bin/tofu fmt -recursive terraform" >&2
  status=1
fi

echo "check: checkov (terraform framework)"
# Every skip is inline, next to the resource, with its reason; nothing is skipped here.
if ! .tools/checkov-venv/bin/checkov --directory terraform --framework terraform --compact --quiet \
  --skip-download; then
  status=1
fi

if [[ "${status}" -eq 0 ]]; then
  echo "check: terraform checks passed"
fi
exit "${status}"
