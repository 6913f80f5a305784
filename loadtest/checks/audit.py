"""Audit completeness: every successful response of a run has its audit record.

Reads the correlation log written by the locustfile (--correlation-log), asks
the audit API for each correlation id with bounded concurrency, re-asks for the
missing ones a few times (audit writes may land a moment after the response),
and prints "audit completeness: N/M = P%".

Usage: python -m checks.audit --correlations results/<ts>/correlations.csv \
           --audit-url http://localhost:7072 [--base-path /api/] [--concurrency 8]
       The key comes from LOADTEST_AUDIT_KEY (sent as x-functions-key): a reader key.

Exit status 0 at 100%, 1 below, 2 when the log is unusable.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

AUDIT_KEY_HEADER = "x-functions-key"

Lookup = Callable[[str], bool]


class AuditApiError(RuntimeError):
    """The audit API did not give a usable answer (transport error, non-200, bad JSON)."""


@dataclass(frozen=True)
class Operation:
    method: str
    name: str
    correlation_id: str


@dataclass
class Completeness:
    total: int
    missing: list[Operation] = field(default_factory=list)
    last_error: str | None = None

    @property
    def found(self) -> int:
        return self.total - len(self.missing)

    @property
    def complete(self) -> bool:
        # Zero operations is not "complete": the run proved nothing.
        return self.total > 0 and not self.missing

    def summary(self) -> str:
        percent = 100.0 * self.found / self.total if self.total else 0.0
        return f"audit completeness: {self.found}/{self.total} = {percent:.1f}%"


def read_operations(path: Path) -> list[Operation]:
    """One Operation per successful response; rows without an id are kept so they count as missing."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            Operation(row["method"], row["name"], (row.get("correlation_id") or "").strip())
            for row in csv.DictReader(handle)
            # Several local worker processes (--processes) may each write the header.
            if row["method"] != "method"
        ]


def audit_query_url(audit_url: str, base_path: str, correlation_id: str) -> str:
    query = urllib.parse.urlencode({"correlationId": correlation_id})
    return f"{audit_url.rstrip('/')}{base_path}auditrecord?{query}"


def http_lookup(audit_url: str, base_path: str, key: str, timeout_s: float = 10.0) -> Lookup:
    """A Lookup that asks the audit API whether a record with this correlation id exists."""

    def lookup(correlation_id: str) -> bool:
        request = urllib.request.Request(
            audit_query_url(audit_url, base_path, correlation_id),
            headers={AUDIT_KEY_HEADER: key, "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout_s) as response:
                records = json.load(response)
        except (urllib.error.URLError, OSError, json.JSONDecodeError) as error:
            raise AuditApiError(f"{type(error).__name__}: {error}") from error
        if not isinstance(records, list):
            raise AuditApiError(f"expected a JSON array, got {type(records).__name__}")
        # Match on the field itself, not on the count: a filter the API ignored
        # would otherwise return unrelated records and look complete.
        return any(isinstance(r, dict) and r.get("correlationId") == correlation_id for r in records)

    return lookup


def _probe(lookup: Lookup, operation: Operation) -> tuple[bool, str | None]:
    if not operation.correlation_id:
        return False, None
    try:
        return lookup(operation.correlation_id), None
    except AuditApiError as error:
        return False, str(error)


def check_completeness(
    operations: Sequence[Operation],
    lookup: Lookup,
    concurrency: int = 8,
    attempts: int = 5,
    retry_delay_s: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Completeness:
    """Looks every operation up; re-asks only for the missing ones, up to `attempts` rounds."""
    pending = list(operations)
    last_error: str | None = None
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        for attempt in range(attempts):
            if attempt:
                sleep(retry_delay_s)
            results = list(pool.map(lambda op: _probe(lookup, op), pending))
            last_error = next((error for _, error in reversed(results) if error), last_error)
            pending = [op for op, (found, _) in zip(pending, results, strict=True) if not found]
            # Rows without an id can never be found; do not wait for them.
            if all(not op.correlation_id for op in pending):
                break
    return Completeness(total=len(operations), missing=pending, last_error=last_error)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--correlations", type=Path, required=True, help="CSV written by --correlation-log")
    parser.add_argument("--audit-url", default="http://localhost:7072", help="audit API origin")
    parser.add_argument("--base-path", default="/api/", help="route prefix before 'auditrecord'")
    parser.add_argument("--concurrency", type=int, default=8, help="parallel look-ups (keep it small: 2 cores)")
    parser.add_argument("--attempts", type=int, default=5, help="look-up rounds for ids still missing")
    parser.add_argument("--retry-delay", type=float, default=1.0, help="seconds between rounds")
    args = parser.parse_args(argv)

    if not args.correlations.is_file():
        print(f"audit: {args.correlations} not found (was --correlation-log set?)", file=sys.stderr)
        return 2
    operations = read_operations(args.correlations)
    key = os.environ.get("LOADTEST_AUDIT_KEY", "")
    if not key:
        print("audit: LOADTEST_AUDIT_KEY is not set (run.sh sets it to the local stack's reader key)", file=sys.stderr)
        return 2
    result = check_completeness(
        operations,
        http_lookup(args.audit_url, args.base_path, key),
        concurrency=args.concurrency,
        attempts=args.attempts,
        retry_delay_s=args.retry_delay,
    )

    print(result.summary())
    if not result.total:
        print("audit: FAIL no successful patient/test responses were recorded, so nothing was proven")
    for operation in result.missing[:10]:
        shown = operation.correlation_id or "(response had no x-correlation-id)"
        print(f"audit: missing {operation.method} {operation.name} correlationId={shown}")
    if len(result.missing) > 10:
        print(f"audit: ... and {len(result.missing) - 10} more")
    if result.last_error:
        print(f"audit: last audit API error: {result.last_error}")
    return 0 if result.complete else 1


if __name__ == "__main__":
    sys.exit(main())
