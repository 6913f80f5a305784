"""Records the correlation id of every successful response during a Locust run.

The audit completeness check (checks/audit.py) reads this file afterwards and
asks the audit API for one record per line. Kept free of Locust imports so it
can be unit-tested with stand-in responses.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Protocol, TextIO

CORRELATION_HEADER = "x-correlation-id"
COLUMNS = ("method", "name", "status", "correlation_id")


class _Response(Protocol):
    status_code: int
    headers: Any


def is_audited_success(status_code: int) -> bool:
    # Only 2xx responses are operations the API promises to audit; the expected
    # 400/404 answers of the negative tasks are not.
    return 200 <= status_code < 300


class CorrelationLog:
    """Appends one CSV row per successful response; bound to Locust's request event."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        is_new = not path.exists() or path.stat().st_size == 0
        # Line buffering: a run that is killed still leaves every finished row on disk.
        self._file: TextIO = path.open("a", newline="", encoding="utf-8", buffering=1)
        self._writer = csv.writer(self._file)
        if is_new:
            self._writer.writerow(COLUMNS)

    def on_request(
        self,
        request_type: str,
        name: str,
        response: _Response | None = None,
        exception: BaseException | None = None,
        **_: Any,
    ) -> None:
        if exception is not None or response is None:
            return
        if not is_audited_success(response.status_code):
            return
        headers = response.headers or {}
        # An empty id is still written: a success without a correlation id can
        # never be matched, so it must count against completeness, not vanish.
        correlation_id = headers.get(CORRELATION_HEADER) or ""
        self._writer.writerow((request_type, name, response.status_code, correlation_id))

    def close(self) -> None:
        self._file.close()
