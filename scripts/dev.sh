#!/usr/bin/env bash
# `make dev`: set up, build both apps, then start the database and both apps (scripts/dev.mjs).
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
"$ROOT/scripts/setup.sh"
cd "$ROOT"
log "Building both apps"
npm run --silent build
exec node scripts/dev.mjs
