#!/usr/bin/env bash
# `make loadtest` (and the smoke run of `make test`): loadtest/run.sh against the local stack. When
# nothing answers on the patient-tests port, it starts the stack itself (scripts/lib/stack.sh: with its
# own FerretDB data) and stops it afterwards. Arguments go to loadtest/run.sh (see its header).
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
source "$(dirname "$0")/lib/stack.sh"
"$ROOT/scripts/setup.sh"
cd "$ROOT"

export PATIENT_TESTS_PORT="${PATIENT_TESTS_PORT:-7071}" AUDIT_PORT="${AUDIT_PORT:-7072}"
# patient-tests' key for Locust; a reader key for the audit completeness check (the append key may not read).
export LOCUST_FUNCTION_KEY="${LOCUST_FUNCTION_KEY:-$(local_api_key)}"
export LOADTEST_AUDIT_KEY="${LOADTEST_AUDIT_KEY:-$(local_api_key AUDIT_READER_KEYS)}"
export LOADTEST_HOST="${LOADTEST_HOST:-http://localhost:$PATIENT_TESTS_PORT}"
export LOADTEST_AUDIT_URL="${LOADTEST_AUDIT_URL:-http://localhost:$AUDIT_PORT}"

ensure_local_stack "the load test" "$LOADTEST_HOST" "$LOADTEST_AUDIT_URL"

bash loadtest/run.sh "$@"
