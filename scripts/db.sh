#!/usr/bin/env bash
# `make db`: FerretDB alone on 127.0.0.1:27017 (data in .data/ferretdb), for `nest start <app> --watch`.
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
ensure_ferretdb
log "FerretDB on mongodb://127.0.0.1:${FERRETDB_PORT:-27017}/ (Ctrl-C stops it)"
exec ferretdb --listen-addr "127.0.0.1:${FERRETDB_PORT:-27017}" --data-dir "$ROOT/.data/ferretdb" --log-level warn
