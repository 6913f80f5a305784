#!/usr/bin/env bash
# Builds the real azurerm, random and time providers from the Go module proxy into an OpenTofu
# filesystem mirror under <repo>/.tools/tofu-providers, so `tofu init/validate/test` run offline against
# the provider's own schema and validators (no Terraform registry is reachable here). Idempotent: a
# provider whose pinned module version is already built is skipped.
#
# The proxy serves azurerm and random only at main-branch pseudo-versions (their go.mod lacks the /vN
# suffix their tags would need), so each build is labelled with the release it follows; the label is what
# `required_providers` constraints see. Go's build cache (~/.cache/go-build) makes a rebuild on the same
# machine take seconds; a cold azurerm build is the long one (see terraform/README.md for the figure).
set -euo pipefail

root="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
mirror="${root}/.tools/tofu-providers/registry.opentofu.org/hashicorp"

# name|module version on the proxy|version label in the mirror
PROVIDERS=(
  # main at fae58079 (24 Aug 2026), after the 5.2.0 release (20 Aug 2026).
  "azurerm|v1.44.1-0.20260824201233-fae580791926|5.2.1"
  # main at e1092b0c (24 Aug 2026), after the 3.9.0 release.
  "random|v1.3.2-0.20260824155315-e1092b0cfc07|3.9.1"
  "time|v0.14.2|0.14.2"
)

elapsed() { echo "$(($(date +%s) - $1))s"; }
platform="$(go env GOOS)_$(go env GOARCH)"

build_provider() {
  local name="$1" module_version="$2" label="$3"
  local dir="${mirror}/${name}/${label}/${platform}"
  local bin="${dir}/terraform-provider-${name}_v${label}" stamp="${dir}/.module-version" start src
  if [[ -x "${bin}" && "$(cat "${stamp}" 2>/dev/null)" == "${module_version}" ]]; then
    echo "install-providers: ${name} ${label} already built"
    return
  fi
  command -v go >/dev/null || { echo "install-providers: go is required to build the providers" >&2; exit 1; }
  start=$(date +%s)
  echo "install-providers: building ${name} ${label} (${module_version}) from the Go module proxy" \
    "(azurerm: about 15-25 minutes on 2 cores with a cold Go build cache, seconds with a warm one)"
  src="$(go mod download -json "github.com/hashicorp/terraform-provider-${name}@${module_version}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')"
  mkdir -p "${dir}"
  # nice: the build uses every core for many minutes and must not starve whatever else runs.
  (cd "${src}" && GOFLAGS="-buildvcs=false -trimpath -mod=readonly" CGO_ENABLED=0 \
    nice -n 10 go build -ldflags "-s -w" -o "${bin}.tmp" .)
  mv "${bin}.tmp" "${bin}"
  echo "${module_version}" >"${stamp}"
  echo "install-providers: ${name} built in $(elapsed "${start}")"
}

for entry in "${PROVIDERS[@]}"; do
  IFS='|' read -r name module_version label <<<"${entry}"
  build_provider "${name}" "${module_version}" "${label}"
done
