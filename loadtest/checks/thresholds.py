"""Judges a Locust run from its <prefix>_stats.csv: no failures, p95 under a limit.

Usage: python -m checks.thresholds --stats results/<ts>/locust_stats.csv --p95-ms 800 [--summary summary.md]

Exit status 0 when every rule holds, 1 when one is broken, 2 when the CSV is unusable.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

AGGREGATE_NAME = "Aggregated"

# Locust 2 column names first; the seed's Locust 0.14 names let its published CSV be read too.
_COLUMN_ALIASES: Mapping[str, tuple[str, ...]] = {
    "requests": ("Request Count", "# requests"),
    "failures": ("Failure Count", "# failures"),
    "rps": ("Requests/s",),
    "median": ("50%", "Median Response Time"),
    "p95": ("95%",),
    "p99": ("99%",),
}


class StatsFileError(ValueError):
    """The stats CSV is missing, empty or lacks a column the rules need."""


@dataclass(frozen=True)
class EndpointStats:
    method: str
    name: str
    requests: int
    failures: int
    rps: float
    median_ms: int | None
    p95_ms: int | None
    p99_ms: int | None

    @property
    def failure_ratio(self) -> float:
        return self.failures / self.requests if self.requests else 0.0


def _column(row: Mapping[str, str], key: str) -> str:
    for alias in _COLUMN_ALIASES[key]:
        if alias in row:
            return row[alias]
    raise StatsFileError(f"column {_COLUMN_ALIASES[key][0]!r} missing")


def _optional_int(text: str) -> int | None:
    # Locust writes N/A for percentiles of an entry without requests.
    return None if text in ("", "N/A") else int(float(text))


def _parse_row(row: Mapping[str, str]) -> EndpointStats:
    return EndpointStats(
        method=row.get("Type", ""),
        name=row.get("Name", ""),
        requests=int(_column(row, "requests")),
        failures=int(_column(row, "failures")),
        rps=float(_column(row, "rps")),
        median_ms=_optional_int(_column(row, "median")),
        p95_ms=_optional_int(_column(row, "p95")),
        p99_ms=_optional_int(_column(row, "p99")),
    )


def read_stats(path: Path) -> tuple[list[EndpointStats], EndpointStats]:
    """Returns the per-endpoint rows and the aggregate row of a Locust stats CSV."""
    if not path.is_file():
        raise StatsFileError(f"{path} not found (did Locust run?)")
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [_parse_row(row) for row in csv.DictReader(handle)]
    endpoints = [row for row in rows if row.name != AGGREGATE_NAME]
    aggregates = [row for row in rows if row.name == AGGREGATE_NAME]
    if not aggregates:
        raise StatsFileError(f"{path} has no {AGGREGATE_NAME!r} row")
    return endpoints, aggregates[0]


def violations(total: EndpointStats, p95_limit_ms: int) -> list[str]:
    """Every rule the aggregate breaks, worded for a person; empty when the run passes."""
    broken: list[str] = []
    if total.requests == 0:
        # A run that sent nothing must not pass as "0 failures".
        broken.append("no requests were made")
    if total.failures > 0:
        broken.append(f"failure ratio {total.failure_ratio:.2%} > 0 ({total.failures} of {total.requests})")
    if total.p95_ms is not None and total.p95_ms > p95_limit_ms:
        broken.append(f"p95 {total.p95_ms} ms > limit {p95_limit_ms} ms")
    return broken


def _fmt_ms(value: int | None) -> str:
    return "n/a" if value is None else f"{value:,}"


def markdown_table(endpoints: Sequence[EndpointStats], total: EndpointStats) -> str:
    """The per-endpoint table in the shape of loadtest/README.md's results section."""
    lines = [
        "| Method | Name | Requests | Failures | Req/s | Median ms | p95 ms | p99 ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in [*endpoints, total]:
        name = f"**{row.name}**" if row is total else f"`{row.name}`"
        lines.append(
            f"| {row.method} | {name} | {row.requests:,} | {row.failures:,} | {row.rps:.2f} "
            f"| {_fmt_ms(row.median_ms)} | {_fmt_ms(row.p95_ms)} | {_fmt_ms(row.p99_ms)} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stats", type=Path, required=True, help="Locust's <prefix>_stats.csv")
    parser.add_argument("--p95-ms", type=int, required=True, help="fail when the aggregate p95 exceeds this")
    parser.add_argument("--summary", type=Path, help="also write the table to this Markdown file")
    args = parser.parse_args(argv)

    try:
        endpoints, total = read_stats(args.stats)
    except (StatsFileError, ValueError) as error:
        print(f"thresholds: cannot read stats: {error}", file=sys.stderr)
        return 2

    table = markdown_table(endpoints, total)
    print(table)
    if args.summary:
        args.summary.write_text(table + "\n", encoding="utf-8")

    broken = violations(total, args.p95_ms)
    for problem in broken:
        print(f"thresholds: FAIL {problem}")
    if not broken:
        p95 = _fmt_ms(total.p95_ms)
        print(f"thresholds: ok ({total.requests:,} requests, 0 failures, p95 {p95} ms <= {args.p95_ms} ms)")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
