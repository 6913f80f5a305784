#!/usr/bin/env bash
# `make db`: each service's FerretDB alone (scripts/db.mjs; data in .data/ferretdb/<service>), for
# `nest start <app> --watch`.
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
ensure_node
ensure_ferretdb
exec node "$ROOT/scripts/db.mjs"
