"""Audit completeness: every successful response of a run has its audit record.

Reads the correlation log written by the locustfile (--correlation-log) and
finds each correlation id in the audit register, re-asking for the missing ones
a few times (audit writes may land a moment after the response), then prints
"audit completeness: N/M = P%".

Two ways to find them:
- with --since (what run.sh passes: the instant the run started), it reads every
  record created since then, 200 per request, newest first: a stress run of
  thousands of requests costs a few dozen audit queries instead of one per id;
- without it (e.g. against a deployment whose clock you do not trust), it asks
  for each correlation id, with bounded concurrency.

Usage: python -m checks.audit --correlations results/<ts>/correlations.csv \
           --audit-url http://localhost:7072 [--since 2026-11-29T21:00:00Z] \
           [--base-path /api/] [--concurrency 8]
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

# Which of these correlation ids have an audit record.
Finder = Callable[[Sequence[str]], set[str]]
PAGE_SIZE = 200


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


def audit_query_url(audit_url: str, base_path: str, query: dict[str, str]) -> str:
    return f"{audit_url.rstrip('/')}{base_path}auditrecord?{urllib.parse.urlencode(query)}"


def _get_records(url: str, key: str, timeout_s: float) -> tuple[list[dict], str | None]:
    """One page of records and the token of the next page, if any."""
    request = urllib.request.Request(url, headers={AUDIT_KEY_HEADER: key, "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            records = json.load(response)
            token = response.headers.get("x-continuation-token")
    except (urllib.error.URLError, OSError, json.JSONDecodeError) as error:
        raise AuditApiError(f"{type(error).__name__}: {error}") from error
    if not isinstance(records, list):
        raise AuditApiError(f"expected a JSON array, got {type(records).__name__}")
    return [r for r in records if isinstance(r, dict)], token


def lookup_each(audit_url: str, base_path: str, key: str, concurrency: int = 8, timeout_s: float = 10.0) -> Finder:
    """A Finder that asks the audit API for each correlation id, `concurrency` at a time."""

    def found(correlation_id: str) -> bool:
        url = audit_query_url(audit_url, base_path, {"correlationId": correlation_id})
        records, _ = _get_records(url, key, timeout_s)
        # Match on the field itself, not on the count: a filter the API ignored
        # would otherwise return unrelated records and look complete.
        return any(r.get("correlationId") == correlation_id for r in records)

    def find(correlation_ids: Sequence[str]) -> set[str]:
        with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
            hits = list(pool.map(found, correlation_ids))
        return {cid for cid, hit in zip(correlation_ids, hits, strict=True) if hit}

    return find


def scan_since(audit_url: str, base_path: str, key: str, since: str, timeout_s: float = 30.0) -> Finder:
    """A Finder that reads every record created since `since` (ISO 8601), a page of 200 at a time."""

    def find(correlation_ids: Sequence[str]) -> set[str]:
        wanted = set(correlation_ids)
        seen: set[str] = set()
        query = {"from": since, "limit": str(PAGE_SIZE)}
        while True:
            records, token = _get_records(audit_query_url(audit_url, base_path, query), key, timeout_s)
            seen.update(str(r["correlationId"]) for r in records if r.get("correlationId") in wanted)
            if not token or seen == wanted:
                return seen
            query = {**query, "continuationToken": token}

    return find


def check_completeness(
    operations: Sequence[Operation],
    find: Finder,
    attempts: int = 5,
    retry_delay_s: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Completeness:
    """Finds every operation's record; re-asks only for the missing ones, up to `attempts` rounds."""
    pending = list(operations)
    last_error: str | None = None
    for attempt in range(attempts):
        # Rows without an id can never be found; do not wait for them.
        ids = sorted({op.correlation_id for op in pending if op.correlation_id})
        if not ids:
            break
        if attempt:
            sleep(retry_delay_s)
        try:
            found = find(ids)
        except AuditApiError as error:
            last_error = str(error)
            continue
        pending = [op for op in pending if op.correlation_id not in found]
    return Completeness(total=len(operations), missing=pending, last_error=last_error)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--correlations", type=Path, required=True, help="CSV written by --correlation-log")
    parser.add_argument("--audit-url", default="http://localhost:7072", help="audit API origin")
    parser.add_argument("--base-path", default="/api/", help="route prefix before 'auditrecord'")
    parser.add_argument("--since", help="ISO 8601 instant the run started: read the records since then")
    parser.add_argument("--concurrency", type=int, default=8, help="parallel look-ups without --since (2 cores)")
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
    find = (
        scan_since(args.audit_url, args.base_path, key, args.since)
        if args.since
        else lookup_each(args.audit_url, args.base_path, key, args.concurrency)
    )
    result = check_completeness(
        operations,
        find,
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
