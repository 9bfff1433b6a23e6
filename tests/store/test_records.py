"""Document records: what is stored, rollback on render failure, idempotency, listing."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, update

from service.store.db import writing
from service.store.records import get_document, list_documents
from service.store.errors import IdempotencyConflict
from service.store.models import Document, RegisteredNumber
from service.store.numbering import NextNumber

NEXT = NextNumber("中心党总支", 2026, lambda serial: f"中心党总支〔2026〕{serial}号")


def test_record_holds_file_facts_and_number(sessions, files, make_document):
    """The record has the number, the file's hash, size, key and name; the file is stored."""
    saved = make_document(NEXT)
    document = saved.document
    content = files.get(document.file_key)
    assert not saved.replayed
    assert (document.number, document.series, document.year, document.serial) == (
        "中心党总支〔2026〕1号", "中心党总支", 2026, 1)
    assert document.sha256 == hashlib.sha256(content).hexdigest() and document.size == len(content)
    assert document.filename == "中心党总支〔2026〕1号关于印发制度的通知.docx"
    assert document.file_key == f"documents/{document.id}.docx"
    with sessions() as session:
        stored = get_document(session, document.id)
        assert stored.data == {"title": "员工行为准则"} and stored.warnings == []
        assert stored.created_at.tzinfo == dt.timezone.utc
        assert abs(stored.created_at - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=1)


def test_unnumbered_document_and_warnings(sessions, make_document):
    """A document without numbering keeps empty number columns and its warnings."""
    warning = {"path": "attendees", "message": "出席人数未过半数"}

    document = make_document(kind="meeting-minutes", warnings=[warning]).document
    with sessions() as session:
        stored = get_document(session, document.id)
    assert stored.number is None and stored.serial is None
    assert stored.warnings == [warning]


def test_render_failure_records_nothing_and_uses_no_serial(sessions, files, make_document):
    """If rendering raises, no record, no file and no serial are used up."""

    def broken(record):
        """Fail like a template error would."""
        raise RuntimeError("template error")

    with pytest.raises(RuntimeError):
        make_document(NEXT, renderer=broken)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 0
        assert session.scalar(select(func.count()).select_from(RegisteredNumber)) == 0
    assert make_document(NEXT).document.serial == 1


def test_same_key_same_body_replays_without_rendering(make_document):
    """A retried request returns the first record and does not render or number again."""
    first = make_document(NEXT, idempotency_key="req-1", request_hash="h1").document

    def must_not_render(record):
        """Fail the test if called."""
        raise AssertionError("replay rendered again")

    again = make_document(NEXT, renderer=must_not_render, idempotency_key="req-1", request_hash="h1")
    assert again.replayed and again.document.id == first.id and again.document.serial == 1


def test_concurrent_retries_make_one_document(make_document):
    """Ten simultaneous requests with one key produce one record and one serial."""
    start = threading.Barrier(10)

    def one(_):
        """Wait for everyone, then send the same request."""
        start.wait()
        return make_document(NEXT, idempotency_key="req-1", request_hash="h1")

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(one, range(10)))
    assert len({saved.document.id for saved in results}) == 1
    assert sorted(saved.replayed for saved in results) == [False] + [True] * 9
    assert make_document(NEXT).document.serial == 2


def test_same_key_other_body_conflicts(make_document):
    """Reusing a key for a different request raises IdempotencyConflict."""
    make_document(idempotency_key="req-1", request_hash="h1")
    with pytest.raises(IdempotencyConflict):
        make_document(idempotency_key="req-1", request_hash="h2")


def test_idempotency_keys_are_scoped_by_creator(make_document):
    """Two callers may use the same key independently."""
    one = make_document(idempotency_key="req-1", request_hash="h1", created_by="key:hr").document
    two = make_document(idempotency_key="req-1", request_hash="h2", created_by="key:oa").document
    assert one.id != two.id


def set_created_at(sessions, document_id: str, when: dt.datetime) -> None:
    """Backdate a record, as if it had been made at `when`."""
    with writing(sessions) as session:
        session.execute(update(Document).where(Document.id == document_id).values(created_at=when))


def test_listing_pages_newest_first_and_filters(sessions, make_document):
    """Listing orders by creation time, pages with limit/offset, filters by kind and dates."""
    start = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
    ids = []
    for day, kind in enumerate(["policy", "certificate", "policy", "certificate", "policy"]):
        document = make_document(kind=kind).document
        set_created_at(sessions, document.id, start + dt.timedelta(days=day))
        ids.append(document.id)
    with sessions() as session:
        page = list_documents(session, limit=2, offset=1)
        assert [d.id for d in page.items] == [ids[3], ids[2]] and page.total == 5
        policies = list_documents(session, kind="policy")
        assert [d.id for d in policies.items] == [ids[4], ids[2], ids[0]]
        window = list_documents(session, created_from=start + dt.timedelta(days=1),
                                created_to=start + dt.timedelta(days=3))
        assert [d.id for d in window.items] == [ids[2], ids[1]] and window.total == 2


def test_listing_rejects_bad_paging_and_unknown_id(sessions):
    """Out-of-range paging raises ValueError; an unknown id gives None."""
    with sessions() as session:
        with pytest.raises(ValueError):
            list_documents(session, limit=0)
        with pytest.raises(ValueError):
            list_documents(session, offset=-1)
        assert get_document(session, "no-such-id") is None
