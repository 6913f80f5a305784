#!/usr/bin/env bash
# Headless Locust run of the patient-tests API, judged afterwards.
#
# Usage: loadtest/run.sh [options] [-- extra locust arguments]
#
#   option              environment variable        default
#   -u, --users N       LOADTEST_USERS              5
#   -r, --spawn-rate R  LOADTEST_SPAWN_RATE         same as users (all start in the first second)
#   -t, --duration D    LOADTEST_DURATION           60s   (Locust run time: 20s, 5m, 1h30m)
#   --profile P         LOADTEST_PROFILE            seed  (seed: 1-5 s think time; stress: none)
#   --host URL          LOADTEST_HOST               http://localhost:7071
#   --base-path PATH    LOADTEST_BASE_PATH          /api/ (the URL suffix of the API behind API Management)
#   --p95-ms MS         LOADTEST_P95_MS             1000  (fail when the aggregate p95 is above)
#   --audit-url URL     LOADTEST_AUDIT_URL          http://localhost:7072
#   --skip-audit        LOADTEST_SKIP_AUDIT=1       off   (e.g. against API Management: audit API is private)
#   --results-dir DIR   LOADTEST_RESULTS_DIR        loadtest/results/<UTC timestamp>
#   -h, --help
#
#   Keys (environment only, so they stay out of process lists and shell history):
#   LOCUST_FUNCTION_KEY      x-functions-key for the function app   (default: the local stack's
#                            key, unless LOCUST_SUBSCRIPTION_KEY is set; see below)
#   LOCUST_SUBSCRIPTION_KEY  Ocp-Apim-Subscription-Key for API Management
#   LOADTEST_AUDIT_KEY       x-functions-key for the audit API, a reader key (default: the local
#                            stack's first AUDIT_READER_KEYS)
#   The local stack's key is the first of API_KEYS, taken from the environment, else .env,
#   else .env.example (as `make dev` does): local-dev-key-not-secret out of the box.
#   PYTHON                   interpreter that creates the venv       (default python3, needs >= 3.11)
#
# Arguments after "--" go to Locust unchanged, e.g. `-- --tags create_patient`.
#
# Steps: create <repo>/.tools/loadtest-venv from loadtest/requirements.txt when missing or
# stale; check the target answers; run Locust (CSV stats, HTML report, log and the correlation
# ids of successful responses into the results folder); fail when the failure ratio is above 0
# or the p95 above --p95-ms; then fail unless every successful response has its audit record.
#
# Exit status: 0 pass; 1 a threshold or the audit check failed; 2 usage or set-up error.
#
# Example (what `make loadtest USERS=10 DURATION=1m P95_MS=800` runs):
#   loadtest/run.sh --users 10 --duration 1m --p95-ms 800
set -euo pipefail

repo_root="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
loadtest_dir="$repo_root/loadtest"
venv_dir="$repo_root/.tools/loadtest-venv"
# shellcheck source=scripts/lib/progress.sh
source "$repo_root/scripts/lib/progress.sh"

users="${LOADTEST_USERS:-5}"
spawn_rate="${LOADTEST_SPAWN_RATE:-}"
duration="${LOADTEST_DURATION:-60s}"
profile="${LOADTEST_PROFILE:-seed}"
host="${LOADTEST_HOST:-http://localhost:7071}"
base_path="${LOADTEST_BASE_PATH:-/api/}"
p95_ms="${LOADTEST_P95_MS:-1000}"
audit_url="${LOADTEST_AUDIT_URL:-http://localhost:7072}"
skip_audit="${LOADTEST_SKIP_AUDIT:-0}"
results_dir="${LOADTEST_RESULTS_DIR:-}"
locust_extra=()

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; }
die() { echo "run.sh: $*" >&2; exit 2; }

while (($#)); do
  case "$1" in
    -u|--users) users="${2:?}"; shift 2 ;;
    -r|--spawn-rate) spawn_rate="${2:?}"; shift 2 ;;
    -t|--duration) duration="${2:?}"; shift 2 ;;
    --profile) profile="${2:?}"; shift 2 ;;
    --host) host="${2:?}"; shift 2 ;;
    --base-path) base_path="${2:?}"; shift 2 ;;
    --p95-ms) p95_ms="${2:?}"; shift 2 ;;
    --audit-url) audit_url="${2:?}"; shift 2 ;;
    --skip-audit) skip_audit=1; shift ;;
    --results-dir) results_dir="${2:?}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; locust_extra=("$@"); break ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

[[ "$profile" =~ ^(seed|stress)$ ]] || die "--profile must be seed or stress, got '$profile'"
[[ "$users" =~ ^[1-9][0-9]*$ ]] || die "--users must be a positive integer, got '$users'"
[[ "$p95_ms" =~ ^[1-9][0-9]*$ ]] || die "--p95-ms must be a positive integer (ms), got '$p95_ms'"
[[ "$duration" =~ ^([0-9]+[hms])+$|^[0-9]+$ ]] || die "--duration must look like 20s, 5m or 1h30m, got '$duration'"
spawn_rate="${spawn_rate:-$users}"
results_dir="${results_dir:-$loadtest_dir/results/$(date -u +%Y%m%dT%H%M%SZ)}"
# Absolute, because Locust runs from loadtest/ while a relative path was meant from here.
results_dir="$(realpath -m "$results_dir")"

# The local stack's key, read where `make dev` reads it (environment, then .env, then
# .env.example), so there is no second copy of it here to fall out of step.
# dev_key [LIST]: the first key of API_KEYS, or of another list (AUDIT_READER_KEYS: reading audit).
dev_key() {
  local list="${1:-API_KEYS}" file value
  if [[ -n "${!list:-}" ]]; then value="${!list}"; echo "${value%%,*}"; return; fi
  for file in "$repo_root/.env" "$repo_root/.env.example"; do
    value="$(sed -n "s/^${list}=//p" "$file" 2>/dev/null | tail -n 1 | tr -d "\"'")"
    if [[ -n "$value" ]]; then echo "${value%%,*}"; return; fi
  done
}

# Locust reads these itself (see locustfile.py); a function key is the local default.
if [[ -z "${LOCUST_SUBSCRIPTION_KEY:-}" ]]; then
  export LOCUST_FUNCTION_KEY="${LOCUST_FUNCTION_KEY:-$(dev_key)}"
fi
# The completeness check reads the register, which takes an auditor's (reader) key.
export LOADTEST_AUDIT_KEY="${LOADTEST_AUDIT_KEY:-$(dev_key AUDIT_READER_KEYS)}"

ensure_venv() {
  local python="${PYTHON:-python3}" stamp="$venv_dir/.requirements.sha256" wanted
  command -v "$python" >/dev/null || die "$python not found; Locust needs Python >= 3.11"
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || die "$python is $("$python" -V 2>&1); Locust $(grep -o 'locust==[0-9.]*' "$loadtest_dir/requirements.txt") needs >= 3.11"
  wanted="$(sha256sum "$loadtest_dir/requirements.txt" | cut -d' ' -f1)"
  # The stamp is written only after a complete install: a changed requirements.txt or an install that
  # was interrupted recreates the venv from scratch (pip's cache makes that quick). So does a venv
  # whose scripts no longer start: they name its interpreter by path, which a venv made through
  # another path (a moved folder, a symlinked .tools) does not have.
  local interpreter
  interpreter="$(head -n1 "$venv_dir/bin/locust" 2>/dev/null | cut -c3-)" || true
  if [[ -x "$interpreter" && "$(cat "$stamp" 2>/dev/null)" == "$wanted" ]]; then
    return
  fi
  rm -rf "$venv_dir"
  with_progress "run.sh: installing Locust into .tools/loadtest-venv" \
    bash -c '"$1" -m venv "$2" && "$2/bin/python" -m pip install --quiet --disable-pip-version-check -r "$3"' \
    _ "$python" "$venv_dir" "$loadtest_dir/requirements.txt" || die "installing Locust failed"
  echo "$wanted" >"$stamp"
}

is_loopback() { [[ "$1" =~ ^https?://(localhost|127\.[0-9.]+|\[::1\])(:[0-9]+)?(/|$) ]]; }

preflight() {
  # Only the local stack has a known unauthenticated health route; API Management may not expose it.
  is_loopback "$host" || return 0
  "$venv_dir/bin/python" - "$host$base_path"health <<'PY' || die "nothing answers at ${host}${base_path}health: start the stack first (make dev)"
import sys, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=5).close()
except Exception as error:  # any failure means the same thing here: no usable target
    sys.exit(f"run.sh: health check failed: {error}")
PY
}

run_locust() {
  echo "run.sh: $users users ($profile profile, spawn rate $spawn_rate/s) for $duration against $host$base_path -> $results_dir"
  # Locust exits 1 when any request failed; the thresholds step below judges that, with reasons.
  (cd "$loadtest_dir" && "$venv_dir/bin/locust" \
    --locustfile locustfile.py --headless --only-summary \
    --users "$users" --spawn-rate "$spawn_rate" --run-time "$duration" --stop-timeout 10 \
    --host "$host" --base-path "$base_path" --load-profile "$profile" \
    --csv "$results_dir/locust" --html "$results_dir/report.html" \
    --logfile "$results_dir/locust.log" \
    --correlation-log "$results_dir/correlations.csv" \
    "${locust_extra[@]}") || echo "run.sh: locust exited with status $?"
}

main() {
  ensure_venv
  preflight
  mkdir -p "$results_dir"
  # The audit check reads the records created since then (a few seconds early, for clock skew
  # between this machine and the audit app's).
  local started
  started="$(date -u -d '-5 seconds' +%Y-%m-%dT%H:%M:%SZ)"
  run_locust

  local status=0
  (cd "$loadtest_dir" && "$venv_dir/bin/python" -m checks.thresholds \
    --stats "$results_dir/locust_stats.csv" --p95-ms "$p95_ms" --summary "$results_dir/summary.md") || status=$?

  if [[ "$skip_audit" == 1 ]]; then
    echo "audit completeness: skipped (--skip-audit)"
  else
    (cd "$loadtest_dir" && "$venv_dir/bin/python" -m checks.audit \
      --correlations "$results_dir/correlations.csv" --audit-url "$audit_url" --since "$started") || status=1
  fi

  echo "run.sh: results in $results_dir (report.html, locust_stats.csv, summary.md)"
  if ((status)); then echo "run.sh: FAILED"; else echo "run.sh: passed"; fi
  return "$status"
}

main
