#!/usr/bin/env bash
# `make loadtest` (and the smoke run of `make test`): loadtest/run.sh against the local stack. When
# nothing answers on the patient-tests port, it starts the stack itself (scripts/dev.mjs, with its own
# FerretDB data) and stops it afterwards. Arguments go to loadtest/run.sh (see its header).
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
"$ROOT/scripts/setup.sh"
cd "$ROOT"

export PATIENT_TESTS_PORT="${PATIENT_TESTS_PORT:-7071}" AUDIT_PORT="${AUDIT_PORT:-7072}"
# The first local key (variables set > .env > .env.example), as make dev uses them.
local_key="$(node -e "for (const f of ['.env', '.env.example']) { try { process.loadEnvFile(f); } catch {} } process.stdout.write((process.env.API_KEYS ?? '').split(',')[0].trim())")"
export LOCUST_FUNCTION_KEY="${LOCUST_FUNCTION_KEY:-$local_key}" LOADTEST_AUDIT_KEY="${LOADTEST_AUDIT_KEY:-$local_key}"
export LOADTEST_HOST="${LOADTEST_HOST:-http://localhost:$PATIENT_TESTS_PORT}"
export LOADTEST_AUDIT_URL="${LOADTEST_AUDIT_URL:-http://localhost:$AUDIT_PORT}"

stack_pid=""
stop_stack() {
  if [ -n "$stack_pid" ]; then
    kill -TERM "$stack_pid" 2>/dev/null || true
    wait "$stack_pid" 2>/dev/null || true
  fi
}
trap stop_stack EXIT

if ! curl -sf "$LOADTEST_HOST/api/health" >/dev/null 2>&1; then
  log "Starting the stack for the load test (patient-tests :$PATIENT_TESTS_PORT, audit :$AUDIT_PORT)"
  npm run --silent build
  data_dir="$(mktemp -d)"
  FERRETDB_PORT="${FERRETDB_PORT:-$(node -e "require('./scripts/lib/processes.cjs').freePort().then((p) => process.stdout.write(String(p)))")}" \
    FERRETDB_DATA_DIR="$data_dir" LOG_LEVEL="${LOG_LEVEL:-warn}" node scripts/dev.mjs >"$data_dir/stack.log" 2>&1 &
  stack_pid=$!
  for _ in $(seq 1 120); do
    curl -sf "$LOADTEST_HOST/api/health" >/dev/null 2>&1 && curl -sf "$LOADTEST_AUDIT_URL/api/health" >/dev/null 2>&1 && break
    kill -0 "$stack_pid" 2>/dev/null || { cat "$data_dir/stack.log" >&2; die "the stack did not start"; }
    sleep 0.5
  done
fi

bash loadtest/run.sh "$@"
