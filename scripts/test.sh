#!/usr/bin/env bash
# `make test` (and CI): the same set-up as `make dev`, then every check, failing on the first failure.
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
"$ROOT/scripts/setup.sh"
cd "$ROOT"
export CI="${CI:-true}"

step() { log "$1"; shift; "$@"; }
started=$SECONDS
step "Lint (ESLint, Prettier)" npm run --silent lint
step "Type-check" npm run --silent typecheck
step "Unit and controller tests" npx jest --selectProjects unit
step "Build both apps (the e2e tests also run them as processes)" npm run --silent build
step "e2e tests on a real database" npx jest --selectProjects e2e
step "Terraform checks (fmt, checkov)" bash terraform/scripts/check.sh
step "Terraform schema and policy tests" npx jest --selectProjects terraform
log "All checks passed in $((SECONDS - started)) s"
