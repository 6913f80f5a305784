#!/usr/bin/env bash
# Installs the Terraform tooling the offline checks need into <repo>/.tools, from the registries this
# project can reach (Go module proxy, PyPI). Idempotent: each tool is skipped when its pinned version is
# already there, so a second run takes about a second.
set -euo pipefail

root="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
tools="${root}/.tools"
mkdir -p "${tools}/bin"
# shellcheck source=scripts/lib/progress.sh
source "${root}/scripts/lib/progress.sh"

# Pinned versions: bump deliberately, and re-run the checks when you do.
TOFU_VERSION="${TOFU_VERSION:-v1.12.6}"
CHECKOV_VERSION="${CHECKOV_VERSION:-3.3.30}"

install_tofu() {
  local bin="${tools}/bin/tofu" stamp="${tools}/bin/.tofu-version"
  if [[ -x "${bin}" && "$(cat "${stamp}" 2>/dev/null)" == "${TOFU_VERSION}" ]]; then
    echo "install-tools: tofu ${TOFU_VERSION} already installed"
    return
  fi
  command -v go >/dev/null || { echo "install-tools: go is required to build OpenTofu" >&2; exit 1; }
  rm -f "${stamp}"
  echo "install-tools: building OpenTofu ${TOFU_VERSION} from the Go module proxy (about 2-5 minutes on 2 idle cores)"
  with_progress "install-tools: OpenTofu build" build_tofu
  echo "${TOFU_VERSION}" >"${stamp}"
}

build_tofu() {
  # `go install module/cmd/tofu@version` refuses modules whose go.mod has replace directives (OpenTofu
  # replaces hcl/v2 with its fork), so fetch the module and build it as the main module instead.
  local src
  src="$(go mod download -json "github.com/opentofu/opentofu@${TOFU_VERSION}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')" || return 1
  (cd "${src}" && GOBIN="${tools}/bin" GOFLAGS="-buildvcs=false -trimpath -mod=readonly" CGO_ENABLED=0 \
    nice -n 10 go install -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" ./cmd/tofu)
}

install_checkov() {
  local venv="${tools}/checkov-venv" stamp="${tools}/checkov-venv/.checkov-version"
  # A venv's scripts name its interpreter by path: one made through another path (a moved folder,
  # a symlinked .tools) has scripts that no longer start, so it is made again.
  local interpreter
  interpreter="$(head -n1 "${venv}/bin/checkov" 2>/dev/null | cut -c3-)" || true
  if [[ -x "${interpreter}" && "$(cat "${stamp}" 2>/dev/null)" == "${CHECKOV_VERSION}" ]]; then
    echo "install-tools: checkov ${CHECKOV_VERSION} already installed"
    return
  fi
  # Recreated from scratch, so a venv left half-installed by an interrupted run is never reused.
  rm -rf "${venv}"
  with_progress "install-tools: installing checkov ${CHECKOV_VERSION} into .tools/checkov-venv" \
    bash -c 'python3 -m venv "$1" && "$1/bin/pip" install --quiet --disable-pip-version-check "checkov==$2"' \
    _ "${venv}" "${CHECKOV_VERSION}"
  echo "${CHECKOV_VERSION}" >"${stamp}"
}

# The two installs are independent; run them side by side to halve the cold-start time.
install_tofu &
tofu_pid=$!
install_checkov &
checkov_pid=$!
status=0
wait "${tofu_pid}" || status=1
wait "${checkov_pid}" || status=1
exit "${status}"
