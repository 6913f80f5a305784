"""Post-run checks: the verdicts run.sh relies on to fail a run."""

from __future__ import annotations

import csv
import json
import threading
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import ClassVar

import pytest

from checks import audit, thresholds
from correlations import COLUMNS, CorrelationLog

LOCUST2_HEADER = [
    "Type",
    "Name",
    "Request Count",
    "Failure Count",
    "Median Response Time",
    "Average Response Time",
    "Min Response Time",
    "Max Response Time",
    "Average Content Size",
    "Requests/s",
    "Failures/s",
    "50%",
    "66%",
    "75%",
    "80%",
    "90%",
    "95%",
    "98%",
    "99%",
    "99.9%",
    "99.99%",
    "100%",
]


def write_stats(path: Path, rows: list[tuple[str, str, int, int, int, int, int]]) -> Path:
    """Writes a Locust 2 stats CSV; each row is (type, name, requests, failures, p50, p95, p99)."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(LOCUST2_HEADER)
        for kind, name, requests, failures, p50, p95, p99 in rows:
            percentiles = [p50, p50, p50, p50, p95, p95, p99, p99, p99, p99, p99] if requests else ["N/A"] * 11
            writer.writerow([kind, name, requests, failures, p50, p50, 1, p99, 100, 1.5, 0.0, *percentiles])
    return path


def test_a_clean_run_under_the_limit_passes(tmp_path: Path) -> None:
    rows = [("POST", "patient/", 90, 0, 40, 300, 700), ("", "Aggregated", 90, 0, 40, 300, 700)]
    stats = write_stats(tmp_path / "s.csv", rows)
    endpoints, total = thresholds.read_stats(stats)
    assert [e.name for e in endpoints] == ["patient/"]
    assert thresholds.violations(total, p95_limit_ms=300) == []


def test_a_p95_above_the_limit_fails_and_says_by_how_much(tmp_path: Path) -> None:
    stats = write_stats(tmp_path / "s.csv", [("", "Aggregated", 90, 0, 40, 801, 900)])
    _, total = thresholds.read_stats(stats)
    assert thresholds.violations(total, p95_limit_ms=800) == ["p95 801 ms > limit 800 ms"]


def test_a_single_failure_fails_the_run(tmp_path: Path) -> None:
    stats = write_stats(tmp_path / "s.csv", [("", "Aggregated", 1000, 1, 40, 100, 200)])
    _, total = thresholds.read_stats(stats)
    assert thresholds.violations(total, p95_limit_ms=800) == ["failure ratio 0.10% > 0 (1 of 1000)"]


def test_a_run_without_requests_fails_instead_of_passing_vacuously(tmp_path: Path) -> None:
    stats = write_stats(tmp_path / "s.csv", [("", "Aggregated", 0, 0, 0, 0, 0)])
    _, total = thresholds.read_stats(stats)
    assert total.p95_ms is None
    assert thresholds.violations(total, p95_limit_ms=800) == ["no requests were made"]


def test_the_command_exits_1_on_a_broken_rule_and_2_without_a_stats_file(tmp_path: Path) -> None:
    stats = write_stats(tmp_path / "s.csv", [("", "Aggregated", 10, 0, 40, 900, 900)])
    assert thresholds.main(["--stats", str(stats), "--p95-ms", "800"]) == 1
    assert thresholds.main(["--stats", str(stats), "--p95-ms", "900"]) == 0
    assert thresholds.main(["--stats", str(tmp_path / "missing.csv"), "--p95-ms", "800"]) == 2


def test_the_seeds_locust_0_14_csv_reads_with_its_published_aggregate(tmp_path: Path) -> None:
    # Header and aggregate row in the seed's format (src/LoadTest/sampleresults).
    seed_csv = tmp_path / "seed.csv"
    seed_csv.write_text(
        '"Type","Name","# requests","# failures","Median response time","Average response time",'
        '"Min response time","Max response time","Average Content Size","Requests/s","Requests Failed/s",'
        '"50%","66%","75%","80%","90%","95%","98%","99%","99.9%","99.99%","99.999","100%"\n'
        '"None","Aggregated",1120,0,97,273,8,11644,5762,18.37,0.00,97,150,170,220,430,800,1800,3800,11000,12000,12000,12000\n'
    )
    _, total = thresholds.read_stats(seed_csv)
    assert (total.requests, total.failures, total.median_ms, total.p95_ms, total.p99_ms) == (1120, 0, 97, 800, 3800)
    assert total.rps == pytest.approx(18.37)


def ops(*ids: str) -> list[audit.Operation]:
    return [audit.Operation("POST", "patient/", cid) for cid in ids]


def found_if(predicate: Callable[[str], bool]) -> audit.Finder:
    return lambda ids: {cid for cid in ids if predicate(cid)}


def test_every_operation_found_is_100_percent() -> None:
    result = audit.check_completeness(ops("a", "b"), found_if(lambda cid: True), sleep=lambda _: None)
    assert result.complete
    assert result.summary() == "audit completeness: 2/2 = 100.0%"


def test_a_record_that_lands_late_is_found_by_a_retry_that_asks_only_for_the_missing() -> None:
    asked: list[list[str]] = []

    def eventually(ids: Sequence[str]) -> set[str]:
        asked.append(list(ids))
        return {cid for cid in ids if cid == "a" or len(asked) >= 3}

    result = audit.check_completeness(ops("a", "late"), eventually, attempts=5, sleep=lambda _: None)
    assert result.complete
    assert asked == [["a", "late"], ["late"], ["late"]]


def test_a_missing_record_and_a_response_without_id_count_against_completeness() -> None:
    only_a = found_if(lambda cid: cid == "a")
    result = audit.check_completeness(ops("a", "gone", ""), only_a, attempts=3, sleep=lambda _: None)
    assert not result.complete
    assert [op.correlation_id for op in result.missing] == ["gone", ""]
    assert result.summary() == "audit completeness: 1/3 = 33.3%"


def test_an_unreachable_audit_api_is_incomplete_and_reported() -> None:
    def down(ids: Sequence[str]) -> set[str]:
        raise audit.AuditApiError("URLError: connection refused")

    result = audit.check_completeness(ops("a"), down, attempts=2, sleep=lambda _: None)
    assert not result.complete
    assert result.last_error == "URLError: connection refused"


def test_no_operations_is_not_complete() -> None:
    assert not audit.check_completeness([], found_if(lambda cid: True), sleep=lambda _: None).complete


class FakeAuditApi(BaseHTTPRequestHandler):
    """GET /api/auditrecord over RECORDS (newest first), paged like the audit API; logs each query."""

    RECORDS = [{"correlationId": f"c{n}"} for n in range(450, 0, -1)]
    queries: ClassVar[list[dict[str, list[str]]]] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        FakeAuditApi.queries.append(query)
        if url.path != "/api/auditrecord" or self.headers.get("x-functions-key") != "reader":
            self.send_response(403)
            self.end_headers()
            return
        records = self.RECORDS
        if "correlationId" in query:
            records = [r for r in records if r["correlationId"] == query["correlationId"][0]]
        start = int(query.get("continuationToken", ["0"])[0])
        limit = int(query.get("limit", ["50"])[0])
        page = records[start : start + limit]
        self.send_response(200)
        self.send_header("content-type", "application/json")
        if start + limit < len(records):
            self.send_header("x-continuation-token", str(start + limit))
        self.end_headers()
        self.wfile.write(json.dumps(page).encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def audit_api() -> Iterator[str]:
    FakeAuditApi.queries = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeAuditApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_the_scan_reads_pages_since_the_start_until_every_id_is_seen(audit_api: str) -> None:
    find = audit.scan_since(audit_api, "/api/", "reader", "2026-11-29T21:00:00Z")
    assert find(["c450", "c1", "c9999"]) == {"c450", "c1"}
    assert len(FakeAuditApi.queries) == 3  # 450 records, 200 per page
    assert all(q["from"] == ["2026-11-29T21:00:00Z"] and q["limit"] == ["200"] for q in FakeAuditApi.queries)


def test_the_scan_stops_at_the_page_where_the_last_id_is_found(audit_api: str) -> None:
    find = audit.scan_since(audit_api, "/api/", "reader", "2026-11-29T21:00:00Z")
    assert find(["c450", "c300"]) == {"c450", "c300"}
    assert len(FakeAuditApi.queries) == 1


def test_each_id_is_asked_for_without_a_start(audit_api: str) -> None:
    find = audit.lookup_each(audit_api, "/api/", "reader", concurrency=2)
    assert find(["c5", "c9999"]) == {"c5"}
    assert sorted(q["correlationId"][0] for q in FakeAuditApi.queries) == ["c5", "c9999"]


def test_a_refused_key_is_an_audit_api_error(audit_api: str) -> None:
    find = audit.scan_since(audit_api, "/api/", "append-key", "2026-11-29T21:00:00Z")
    with pytest.raises(audit.AuditApiError, match="403"):
        find(["c1"])


def response(status: int, headers: dict[str, str] | None) -> SimpleNamespace:
    return SimpleNamespace(status_code=status, headers=headers)


def test_the_correlation_log_keeps_only_successes_and_keeps_those_without_an_id(tmp_path: Path) -> None:
    path = tmp_path / "run" / "correlations.csv"
    log = CorrelationLog(path)
    log.on_request("POST", "patient/", response(201, {"x-correlation-id": "c1"}))
    log.on_request("POST", "patient/", response(400, {"x-correlation-id": "c2"}))  # expected 400: not audited
    log.on_request("GET", "patient/{random_id}", response(200, {"x-correlation-id": "c3"}), exception=RuntimeError())
    log.on_request("GET", "patient/{random_id}", response(200, {}))
    log.close()

    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [list(COLUMNS), ["POST", "patient/", "201", "c1"], ["GET", "patient/{random_id}", "200", ""]]
    assert [op.correlation_id for op in audit.read_operations(path)] == ["c1", ""]
