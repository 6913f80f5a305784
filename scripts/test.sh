#!/usr/bin/env bash
# `make test` (and CI): the same set-up as `make dev`, then every check, failing on the first failure.
# The last check is that the run left the working tree as it found it: on a fresh clone, `git status`
# is empty afterwards (nothing generated, rewritten or left behind outside the git-ignored folders).
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
cd "$ROOT"

# Each path `git status` lists, with a hash of its content: what the run must not change. Taken before
# the set-up, which must leave the tree alone too (it once rewrote package-lock.json).
tree_state() {
  local entry path
  git status --porcelain=v1 --untracked-files=all -z | while IFS= read -r -d '' entry; do
    path="${entry:3}"
    if [ -f "$path" ]; then
      printf '%s  %s\n' "$entry" "$(sha256sum <"$path" | cut -c1-12)"
    else
      printf '%s\n' "$entry"
    fi
  done | sort
}

tree_unchanged() {
  local after
  after="$(tree_state)"
  if [ "$after" = "$tree_before" ]; then
    return 0
  fi
  echo "make test changed the working tree; git status entries (with content hashes) before and after:" >&2
  diff <(echo "$tree_before") <(echo "$after") | grep '^[<>]' | sed 's/^</  before:/; s/^>/  after: /' >&2
  echo "Add what a step writes to .gitignore if it is a build product, or make the step stop writing it." >&2
  return 1
}

tree_before="$(tree_state)"
"$ROOT/scripts/setup.sh"
ensure_actionlint
export CI="${CI:-true}"

step() { log "$1"; shift; "$@"; }
started=$SECONDS
step "Lint (ESLint, Prettier)" npm run --silent lint
# shellcheck and pyflakes (which actionlint runs on run: scripts when it finds them on PATH) are left
# out, so the result does not depend on what the machine happens to have installed.
step "GitHub Actions workflows (actionlint)" actionlint -shellcheck= -pyflakes=
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
step "The working tree is as the run found it (git status)" tree_unchanged
log "All checks passed in $((SECONDS - started)) s"
# What a reviewer looks at rather than reads: the audit explorer's main views, from its browser tests.
log "Screenshots of the audit explorer: $ROOT/test-results/explorer-screenshots/"
