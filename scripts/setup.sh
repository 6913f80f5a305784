#!/usr/bin/env bash
# Installs everything the project needs: Node 22 (when the machine's is older), npm dependencies,
# and FerretDB unless MONGODB_URI names a database to use instead (audit then falls back to it when
# AUDIT_MONGODB_URI is unset, see scripts/dev.mjs).
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
ensure_dependencies
if [ -z "${MONGODB_URI:-}" ]; then ensure_ferretdb; fi
