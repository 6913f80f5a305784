# shellcheck shell=bash
# Sourced after scripts/toolchain.sh (uses ROOT, log, die) by the scripts that need the local stack
# (scripts/loadtest.sh, scripts/fuzz.sh):
#
#   ensure_local_stack "the load test" "$patient_tests_url" "$audit_url"
#   key="$(local_api_key)"
#
# When either URL's /api/health does not answer, it builds both apps and starts scripts/dev.mjs on
# PATIENT_TESTS_PORT and AUDIT_PORT (exported by the caller), with each service's FerretDB on a free
# port (or FERRETDB_PORT / AUDIT_FERRETDB_PORT) and fresh data in a temporary folder (unless
# MONGODB_URI / AUDIT_MONGODB_URI name the databases, as for make dev), then waits for both health checks. A stack it
# started is stopped when the calling script exits (EXIT trap); one that was already running is used
# as it is and left alone.

LOCAL_STACK_PID=""

# The first local key of a list (variables set > .env > .env.example), as make dev uses them:
# API_KEYS by default (patient-tests' keys, and the keys that may append to audit), or another list
# such as AUDIT_READER_KEYS (the keys that may read audit).
local_api_key() {
  (cd "$ROOT" && LIST="${1:-API_KEYS}" node -e "for (const f of ['.env', '.env.example']) { try { process.loadEnvFile(f); } catch {} } process.stdout.write((process.env[process.env.LIST] ?? '').split(',')[0].trim())")
}

# Stops the stack that ensure_local_stack started, if any (the EXIT trap; safe to call twice).
stop_local_stack() {
  if [ -n "$LOCAL_STACK_PID" ]; then
    kill -TERM "$LOCAL_STACK_PID" 2>/dev/null || true
    wait "$LOCAL_STACK_PID" 2>/dev/null || true
    LOCAL_STACK_PID=""
  fi
}

free_port() {
  (cd "$ROOT" && node -e "require('./scripts/lib/processes.cjs').freePort().then((p) => process.stdout.write(String(p)))")
}

ensure_local_stack() {
  local purpose="$1" patient_tests_url="$2" audit_url="$3" data_dir
  trap stop_local_stack EXIT
  if curl -sf "$patient_tests_url/api/health" >/dev/null 2>&1; then
    return 0
  fi
  log "Starting the stack for $purpose (patient-tests :$PATIENT_TESTS_PORT, audit :$AUDIT_PORT)"
  (cd "$ROOT" && npm run --silent build)
  data_dir="$(mktemp -d)"
  (
    cd "$ROOT"
    FERRETDB_PORT="${FERRETDB_PORT:-$(free_port)}" AUDIT_FERRETDB_PORT="${AUDIT_FERRETDB_PORT:-$(free_port)}" \
      FERRETDB_DATA_DIR="$data_dir" LOG_LEVEL="${LOG_LEVEL:-warn}" exec node scripts/dev.mjs
  ) >"$data_dir/stack.log" 2>&1 &
  LOCAL_STACK_PID=$!
  for _ in $(seq 1 120); do
    curl -sf "$patient_tests_url/api/health" >/dev/null 2>&1 && curl -sf "$audit_url/api/health" >/dev/null 2>&1 && break
    kill -0 "$LOCAL_STACK_PID" 2>/dev/null || { cat "$data_dir/stack.log" >&2; die "the stack did not start"; }
    sleep 0.5
  done
}
