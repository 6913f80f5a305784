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
# Own ports, so a `make dev` stack on 7071/7072 is neither used nor disturbed.
step "Load test smoke: 3 users for 20 s, 0 failures, every success audited" \
  env PATIENT_TESTS_PORT=7171 AUDIT_PORT=7172 scripts/loadtest.sh --users 3 --duration 20s --p95-ms 2000
step "Load test unit tests (pytest)" .tools/loadtest-venv/bin/python -m pytest -q loadtest
step "API fuzzing (Schemathesis): >= 1,000 cases per app, 0 failures" scripts/fuzz.sh
step "Terraform checks (real providers built into .tools/, fmt, tofu validate + tofu test, checkov)" \
  bash terraform/scripts/check.sh
step "Terraform schema lint of rotation/, policy, collections and azure.yaml tests" \
  npx jest --selectProjects terraform
log "All checks passed in $((SECONDS - started)) s"
