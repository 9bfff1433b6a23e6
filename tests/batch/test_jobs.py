"""Batch steps: good rows numbered in order, bad rows reported, nothing made twice, poison chunks given up."""

from __future__ import annotations

import io
import json

import pytest
from flask import current_app
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from service.batch import jobs, local, queue
from service.batch.paths import chunk_key, report_key
from service.batch.reader import Reading
from service.batch.writer import filled_sheet
from service.documents import Request
from service.store import batches as store
from service.store.batches import Work
from service.store.db import writing
from service.store.models import Batch, BatchChunk, Document, RegisteredNumber

from .conftest import certificates, kind, layout


@pytest.fixture
def batching(app):
    """The app's batch steps, inside its context, with small chunks."""
    with app.app_context():
        found = queue.batching(app)
        found.settings = jobs.Settings(chunk_size=3)
        yield found


def run(batching, source: str, content: bytes, kind_id: str = "certificate"):
    """Create and run a batch in this process; the finished batch."""
    batch = jobs.create(batching, kind(kind_id), source, content, "key:hr")
    with local.Run(current_app, batch.id, 1) as running:
        return running.wait(lambda handled, total: None)


def documents(batching) -> list:
    """Every recorded document, oldest serial first."""
    with batching.services.sessions() as session:
        return list(session.scalars(select(Document).order_by(Document.serial)))


def report(batching, batch) -> bytes:
    """The batch's stored error report."""
    return batching.services.storage.get(report_key(batch.id))


def test_good_rows_are_numbered_in_order_and_bad_rows_reported(batching):
    """Eight rows, two bad: six certificates numbered 1–6 in row order; the report holds the two."""
    payloads = certificates(8)
    payloads[2]["recipient"] = ""
    payloads[5]["date"] = "2026-02-30"
    batch = run(batching, "xlsx", filled_sheet(kind("certificate"), payloads))
    assert (batch.state, batch.total, batch.produced, batch.failed) == ("done", 8, 6, 2)
    made = documents(batching)
    assert [d.serial for d in made] == [1, 2, 3, 4, 5, 6]
    assert [d.data["recipient"] for d in made] == [p["recipient"] for i, p in enumerate(payloads) if i not in (2, 5)]
    assert {d.idempotency_key for d in made} == {f"batch:{batch.id}:{row}" for row in (2, 3, 5, 6, 8, 9)}
    again = list(Reading(layout("certificate"), report(batching, batch), 100))
    assert [d.key for d in again] == ["3", "6"]


def test_a_corrected_report_uploaded_as_it_is_makes_only_the_missing_documents(batching):
    """Fix the marked cells in the report and upload it: exactly the failed rows are made."""
    payloads = certificates(4)
    payloads[1]["recipient"] = ""
    first = run(batching, "xlsx", filled_sheet(kind("certificate"), payloads))
    book = load_workbook(io.BytesIO(report(batching, first)))
    book["荣誉证书"]["C2"] = "陈堃"
    out = io.BytesIO()
    book.save(out)
    second = run(batching, "xlsx", out.getvalue())
    assert (second.total, second.produced, second.failed) == (1, 1, 0)
    assert [d.data["recipient"] for d in documents(batching)][-1] == "陈堃"


def test_rerunning_work_makes_nothing_twice(batching):
    """Finished chunks are not run again, and the rows' keys replay rather than render anew."""
    batch = run(batching, "json", json.dumps(certificates(5)).encode())
    follow: list[Work] = []
    jobs.run_chunk(batching, batch.id, 0, follow.append)
    jobs.finish(batching, batch.id, follow.append)
    assert follow == []
    kind_ = kind("certificate")
    requests = [Request(p, jobs.row_key(batch.id, n)) for n, p in enumerate(certificates(5), 1)]
    outcomes = batching.services.produce_many(kind_, requests, "key:hr")
    assert all(o.replayed and o.content is None for o in outcomes)
    assert len(documents(batching)) == 5


def test_a_chunk_that_keeps_crashing_is_given_up_so_the_batch_ends(batching):
    """After the maximum attempts a chunk's rows fail with a clear message; the others are made."""
    batch = jobs.create(batching, kind("certificate"), "json", json.dumps(certificates(5)).encode(), "key:hr")
    chunks: list[Work] = []
    jobs.prepare(batching, batch.id, chunks.append)
    with writing(batching.services.sessions) as session:
        session.execute(update(BatchChunk).where(BatchChunk.seq == 0).values(attempts=batching.settings.max_attempts))
    follow: list[Work] = []
    for chunk in chunks:
        jobs.perform(batching, chunk, follow.append)
    assert follow == [Work("finish", batch.id)]
    jobs.finish(batching, batch.id, follow.append)
    with batching.services.sessions() as session:
        finished = store.get_batch(session, batch.id)
        numbers = session.scalars(select(RegisteredNumber).order_by(RegisteredNumber.serial)).all()
    assert (finished.state, finished.produced, finished.failed) == ("done", 2, 3)
    assert [(n.serial, n.voided_at is not None) for n in numbers] == [(1, True), (2, True), (3, True), (4, False), (5, False)]
    assert "未能生成" in numbers[0].void_reason
    assert sorted(d.serial for d in documents(batching)) == [4, 5]


def test_an_unreadable_upload_fails_the_batch_with_its_reason(batching):
    """A workbook of another kind: the batch fails as a whole and says why."""
    batch = run(batching, "xlsx", filled_sheet(kind("certificate"), certificates(1)), "meeting-minutes")
    assert batch.state == "failed" and "没有可识别的列名" in batch.problems[0]["message"]


def test_json_rows_that_are_not_objects_or_reuse_a_number_fail_alone(batching):
    """A string instead of an object, and a number supplied twice, fail their own rows only."""
    payloads = certificates(3)
    payloads[0]["number"] = payloads[2]["number"] = "中心党总支证〔2026〕7号"
    batch = run(batching, "json", json.dumps([payloads[0], "不是对象", payloads[1], payloads[2]]).encode())
    assert (batch.produced, batch.failed) == (2, 2)
    listed = load_workbook(io.BytesIO(report(batching, batch)))["错误和提示"]
    lines = [tuple(row) for row in listed.iter_rows(min_row=2, values_only=True)]
    assert lines == [("第2份", "错误", None, "数据应为JSON对象（{…}）"),
                     ("第4份", "错误", "证书编号", "编号已被使用，不能重复使用；留空则自动编号")]
    assert sorted(d.serial for d in documents(batching)) == [1, 7]


def test_rows_past_the_limit_stop_the_reading_and_the_rows_read_are_made(batching):
    """A sheet longer than the limit: the chunks read before it are made, numbered in order; the rest is listed."""
    batching.settings = jobs.Settings(chunk_size=2, max_documents=5)
    batch = run(batching, "xlsx", filled_sheet(kind("certificate"), certificates(8)))
    assert (batch.state, batch.total, batch.produced) == ("done", 4, 4)
    assert "一次最多生成 5 份" in batch.problems[-1]["message"] and "其余各行未生成" in batch.problems[-1]["message"]
    assert [d.serial for d in documents(batching)] == [1, 2, 3, 4]


def test_a_batch_is_numbered_as_it_is_read_in_row_order(batching):
    """Every valid row gets its serial when its chunk is read, before any chunk runs; invalid rows none."""
    payloads = certificates(7)
    payloads[2]["honour"] = "劳动模范"
    batch = jobs.create(batching, kind("certificate"), "json", json.dumps(payloads).encode(), "key:hr")
    chunks: list[Work] = []
    jobs.prepare(batching, batch.id, chunks.append)
    assert chunks == [Work("chunk", batch.id, seq) for seq in range(3)]
    with batching.services.sessions() as session:
        assert session.scalars(select(RegisteredNumber.serial)).all() == [1, 2, 3, 4, 5, 6]
        assert session.scalar(select(func.count()).select_from(Document)) == 0
    for chunk in reversed(chunks):
        jobs.perform(batching, chunk, chunks.append)
    made = {d.data["recipient"]: d.serial for d in documents(batching)}
    assert made == {p["recipient"]: n for n, p in zip([1, 2, None, 3, 4, 5, 6], payloads) if n}


def test_a_late_second_prepare_records_and_numbers_nothing_again(batching, monkeypatch):
    """A prepare that started before the first recorded its chunks (its list of them is stale) changes nothing."""
    batch = run(batching, "json", json.dumps(certificates(5)).encode())
    inputs = {seq: batching.services.storage.get(chunk_key(batch.id, seq)) for seq in range(2)}
    with writing(batching.services.sessions) as session:
        session.execute(update(Batch).where(Batch.id == batch.id).values(state="preparing", leased_until=None))
    monkeypatch.setattr(jobs.store, "chunk_numbers", lambda session, batch_id: set())
    follow: list[Work] = []
    jobs.prepare(batching, batch.id, follow.append)
    with batching.services.sessions() as session:
        assert session.scalars(select(RegisteredNumber.serial)).all() == [1, 2, 3, 4, 5]
    assert {seq: batching.services.storage.get(chunk_key(batch.id, seq)) for seq in range(2)} == inputs
    assert sorted(d.serial for d in documents(batching)) == [1, 2, 3, 4, 5]


def test_giving_up_a_chunk_another_worker_completed_voids_nothing(batching):
    """A give-up that loses the race to a finished run records nothing and leaves its numbers issued."""
    batch = run(batching, "json", json.dumps(certificates(3)).encode())
    entries = json.loads(batching.services.storage.get(chunk_key(batch.id, 0)))
    assert jobs._give_up(batching.services, batch.id, 0, entries) is False
    with batching.services.sessions() as session:
        assert session.scalar(select(func.count()).where(RegisteredNumber.voided_at.is_not(None))) == 0
