# shellcheck shell=bash
# Sourced by the install scripts (scripts/toolchain.sh, loadtest/run.sh, terraform/scripts/install-tools.sh):
#
#   with_progress "npm ci" npm ci ...
#
# prints "==> LABEL", runs the command and, while it runs, prints "... LABEL: still running, N s" every
# PROGRESS_SECONDS (default 30), then one line with the outcome and the time taken. Keep LABEL short:
# what is running, not why (the caller logs that first when it helps). The long steps
# (npm ci, the Go builds, pip into a venv) are quiet or print nothing for minutes on a new machine;
# the line tells someone watching that the step is alive. The command's exit status is returned.

with_progress() {
  local label="$1" started ticker status=0
  shift
  started=$(date +%s)
  printf '\033[1m==> %s\033[0m\n' "$label" >&2
  # The ticker stops itself when the calling shell is gone (e.g. killed without a chance to clean up).
  (
    parent=$$
    while sleep "${PROGRESS_SECONDS:-30}"; do
      kill -0 "$parent" 2>/dev/null || exit 0
      printf '    ... %s: still running, %d s\n' "$label" "$(($(date +%s) - started))" >&2
    done
  ) &
  ticker=$!
  "$@" || status=$?
  kill "$ticker" 2>/dev/null || true
  wait "$ticker" 2>/dev/null || true
  if ((status)); then
    printf '    %s: failed (exit %d) after %d s\n' "$label" "$status" "$(($(date +%s) - started))" >&2
  else
    printf '    %s: done in %d s\n' "$label" "$(($(date +%s) - started))" >&2
  fi
  return "$status"
}
