#!/usr/bin/env bash
# Runs a command with the project's toolchain on PATH (e.g. `scripts/run.sh npm test`).
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
ensure_node
exec "$@"
