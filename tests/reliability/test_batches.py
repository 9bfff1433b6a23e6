"""Every batch ends, done or failed, whatever its rows hold; its report says why each row failed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from service.batch import jobs, queue, report
from service.batch.report import SUMMARY_SHEET
from tests.api.conftest import example
from tests.batch.conftest import KINDS, kind


def hostile_rows(kind_id: str) -> list:
    """Rows a careless or hostile caller sends: keys that look like formulas or paths, non-objects, odd shapes.

    Every row but the last is invalid; the last is the kind's example, made as usual.
    """
    data = example(kind_id)
    return [
        {**data, "=SUM(A1)": 1},
        {**data, "a.b": 2},
        {**data, "[3]": 1},
        {**data, "a[0].b": 1},
        {**data, ".": 1},
        {**data, "": 1},
        {**data, "x" * 100_000: '=HYPERLINK("http://evil.example")'},
        {"=cmd|' /C calc'!A0": "@SUM(1)"},
        "a text, not an object",
        5,
        None,
        [1, 2],
        {**data, "nested": {"a": {"b": [1, {"d.e": "f"}]}}},
        {key: {"a.b": "c"} for key in data},
        {**data, "\x0f键\x01": "\x02\x1f"},
        data,
    ]


def summary_rows(content: bytes) -> list[tuple]:
    """The rows of the report's 错误和提示 sheet, headers left out."""
    sheet = load_workbook(io.BytesIO(content), read_only=True)[SUMMARY_SHEET]
    return list(sheet.iter_rows(min_row=2, values_only=True))


@pytest.mark.parametrize("kind_id", KINDS)
def test_a_batch_of_hostile_rows_ends_and_reports_every_failed_row(batch_app, kind_id):
    """Keys such as =SUM(A1) or a.b, non-object rows, odd nesting: done, each failed row listed with a reason."""
    client = batch_app.test_client()
    rows = hostile_rows(kind_id)
    response = client.post(f"/api/v1/batches/{kind_id}", json=rows)
    assert response.status_code == 202
    batch = response.get_json()
    assert (batch["state"], batch["done"], batch["failed"]) == ("done", 1, len(rows) - 1)
    answer = client.get(batch["links"]["report"])
    assert answer.status_code == 200
    listed = summary_rows(answer.data)
    for row in range(1, len(rows)):
        reasons = [line for line in listed if line[0] == f"第{row}份" and line[1] == "错误"]
        assert reasons and all(line[3] for line in reasons), (row, listed)
    assert not any(line[0] == f"第{len(rows)}份" for line in listed)
    assert all(len(str(cell or "")) < 1000 for line in listed for cell in line)
    assert client.get(batch["links"]["archive"]).status_code == 200


def test_a_report_that_keeps_failing_ends_the_batch_as_failed(batch_app, monkeypatch):
    """A fault the rows cannot cause (the report writer itself breaking) still ends the batch, after the tries."""
    def broken(services, batch):
        raise RuntimeError("the report writer broke")

    monkeypatch.setattr(report, "build", broken)
    with batch_app.app_context():
        batching = queue.batching(batch_app)
        batch = jobs.create(batching, kind("certificate"), "json", b"[" + b"{}" + b"]", "key:hr")
        work = [jobs.Work("prepare", batch.id)]
        batching.settings = jobs.Settings(lease=dt.timedelta(0))
        attempts = 0
        while work and attempts <= 2 * batching.settings.max_attempts:
            unit = work.pop(0)
            try:
                jobs.perform(batching, unit, work.append)
            except RuntimeError:
                attempts += 1
                work.append(unit)  # what the reaper does once the lease has run out
        ended = jobs.fresh(batching.services, batch.id)
    assert ended.state == "failed" and attempts == batching.settings.max_attempts
    assert ended.problems == [jobs.SUMMING_FAILED]
