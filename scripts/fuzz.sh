#!/usr/bin/env bash
# `make fuzz` (and a step of `make test`): Schemathesis generates requests from each app's committed
# OpenAPI document (apps/<app>/openapi.json) and sends them, with the local API key, to the local stack:
# started on its own ports (7271/7272 unless PATIENT_TESTS_PORT/AUDIT_PORT say otherwise, so a
# `make dev` stack is neither used nor disturbed) when nothing answers there, and stopped afterwards.
#
# Each app must get at least FUZZ_MIN_CASES (1000) generated test cases (audit: in two runs, one per key
# role: appending with the append key, reading with a reader key) with no failure: no 5xx, and
# status code, content type, body and documented headers as the document says. A run is reproducible:
# fixed seed (FUZZ_SEED), no example database carried between runs.
#
# Checks left out: positive_data_acceptance (a request the schema allows must succeed) cannot hold,
# because some rules are not expressible in OpenAPI: a date of birth must be a real calendar date not
# in the future, a body patientId must equal the path's, an id must name an existing resource. The
# negative-data checks are left out for the same reason in reverse (the document stays the looser one).
#
# Reports (JUnit XML and Schemathesis' JSON run report) go to .tools/fuzz/<run>/ (git-ignored).
# Exit status: 0 when both apps pass; 1 otherwise. A one-line summary per app is printed at the end.
set -euo pipefail
source "$(dirname "$0")/toolchain.sh"
source "$(dirname "$0")/lib/stack.sh"
"$ROOT/scripts/setup.sh"
cd "$ROOT"

export PATIENT_TESTS_PORT="${PATIENT_TESTS_PORT:-7271}" AUDIT_PORT="${AUDIT_PORT:-7272}"
FUZZ_SEED="${FUZZ_SEED:-8}"
FUZZ_MIN_CASES="${FUZZ_MIN_CASES:-1000}"
venv="$TOOLS/schemathesis-venv"
requirements="$ROOT/tools/schemathesis/requirements.txt"
reports="$TOOLS/fuzz"

# Test cases per operation and per phase, for each app: tools/schemathesis/schemathesis.toml.
config="$ROOT/tools/schemathesis/schemathesis.toml"

# fuzz_app NAME APP PORT KEY MINIMUM [st options...]: one Schemathesis run with KEY; appends its
# summary line to $summaries.
fuzz_app() {
  local name="$1" app="$2" port="$3" key="$4" minimum="$5" dir="$reports/$1" started=$SECONDS status=0
  shift 5
  rm -rf "$dir" && mkdir -p "$dir"
  log "Schemathesis: $name (apps/$app/openapi.json against http://127.0.0.1:$port, seed $FUZZ_SEED)"
  # One worker: the apps are the bottleneck on 2 cores, and more threads make the order of requests
  # (and so the run) less reproducible.
  (cd "$dir" && "$venv/bin/st" --config-file "$config" run "$ROOT/apps/$app/openapi.json" \
    --url "http://127.0.0.1:$port" \
    --header "x-functions-key: $key" "$@" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
    --phases examples,coverage,fuzzing,stateful \
    --seed "$FUZZ_SEED" --generation-database none \
    --workers 1 --request-timeout 15 --continue-on-failure --no-color \
    --report junit,json --report-junit-path "$dir/junit.xml" --report-json-path "$dir/report.json") \
    >"$dir/output.txt" 2>&1 || status=$?
  # The full output only when something is wrong: it lists each failure with a curl line to reproduce.
  local summary
  if ! summary="$("$venv/bin/python" - "$dir/report.json" "$name" "$minimum" "$((SECONDS - started))" <<'PY'
import json, sys
path, app, minimum, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
try:
    report = json.load(open(path))
except (OSError, ValueError) as error:
    print(f"fuzz {app}: no report ({error})")
    sys.exit(1)
cases = report["test_cases"]
failures = sum(failure["count"] for failure in report["failures"])
errors = sum(error["count"] for error in report["errors"])
ok = failures == 0 and errors == 0 and cases["generated"] >= minimum and report["exit_code"] == 0
print(
    f"fuzz {app}: {cases['generated']} cases (minimum {minimum}), {failures} failures, {errors} errors, "
    f"{report['operations']['tested']} operations, {seconds} s: {'passed' if ok else 'FAILED'}"
)
sys.exit(0 if ok else 1)
PY
  )"; then
    status=1
  fi
  if ((status)); then
    cat "$dir/output.txt"
  fi
  summaries+=("$summary")
  return "$status"
}

ensure_venv "$venv" "$requirements" Schemathesis
api_key="$(local_api_key)"
reader_key="$(local_api_key AUDIT_READER_KEYS)"
ensure_local_stack "the API fuzzing" "http://127.0.0.1:$PATIENT_TESTS_PORT" "http://127.0.0.1:$AUDIT_PORT"

summaries=()
failed=0
# Audit first: its verify route walks the whole chain, which the patient-tests run makes long.
# Its keys have roles, so it runs twice: appending with the append key, reading with a reader key
# (each with half the minimum, so audit as a whole still gets FUZZ_MIN_CASES).
fuzz_app audit-append audit "$AUDIT_PORT" "$api_key" "$((FUZZ_MIN_CASES / 2))" --include-method POST || failed=1
fuzz_app audit-reader audit "$AUDIT_PORT" "$reader_key" "$((FUZZ_MIN_CASES / 2))" --exclude-method POST || failed=1
fuzz_app patient-tests patient-tests "$PATIENT_TESTS_PORT" "$api_key" "$FUZZ_MIN_CASES" || failed=1
printf '%s\n' "${summaries[@]}"
echo "fuzz: reports in .tools/fuzz/<run>/ (junit.xml, report.json, output.txt)"
exit "$failed"
