"""Numbering: concurrent allocation, supplied and voided numbers, counter adoption."""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from service.store.db import make_engine, session_factory, writing
from service.store.errors import CounterConflict, NumberTaken
from service.store.models import Document, RegisteredNumber
from service.store.numbering import NextNumber, Number, claim, set_next_serial, void_number

SERIES = "中心党总支"


def gongwen(serial: int, year: int = 2026) -> str:
    """Format a 发文字号 the way the policy kind does."""
    return f"{SERIES}〔{year}〕{serial}号"


NEXT = NextNumber(SERIES, 2026, gongwen)


def allocate_serial(session, series: str, year: int) -> int:
    """Take the next free serial of (series, year), as numbering a document does."""
    return claim(session, NextNumber(series, year, lambda serial: f"{series}〔{year}〕{serial}号")).serial


def allocate(sessions, series=SERIES, year=2026) -> int:
    """Allocate one serial in its own transaction."""
    with writing(sessions) as session:
        return allocate_serial(session, series, year)


def test_fifty_concurrent_documents_get_fifty_consecutive_numbers(sessions, make_document):
    """50 threads, each with its own session, get 1..50 exactly once."""
    start = threading.Barrier(50)

    def one(_):
        """Wait for everyone, then create a numbered document."""
        start.wait()
        return make_document(NEXT).document

    with ThreadPoolExecutor(max_workers=50) as pool:
        documents = list(pool.map(one, range(50)))
    assert sorted(d.serial for d in documents) == list(range(1, 51))
    assert {d.number for d in documents} == {gongwen(n) for n in range(1, 51)}
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 50


def allocate_in_process(url: str, count: int) -> list[int]:
    """Allocate `count` serials from a separate process with its own engine."""
    engine = make_engine(url)
    try:
        return [allocate(session_factory(engine)) for _ in range(count)]
    finally:
        engine.dispose()


def test_processes_share_one_sequence(db):
    """Four processes allocating at once (SQLite file locks or PostgreSQL rows) never collide."""
    url = db.url.render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=4, mp_context=context) as pool:
        batches = list(pool.map(allocate_in_process, [url] * 4, [10] * 4))
    assert sorted(serial for batch in batches for serial in batch) == list(range(1, 41))


def test_series_and_years_count_separately(sessions):
    """Each (series, year) has its own counter starting at 1."""
    assert [allocate(sessions), allocate(sessions), allocate(sessions, year=2027)] == [1, 2, 1]
    assert allocate(sessions, series="荣誉证书") == 1


def test_supplied_number_is_registered_and_then_taken(make_document):
    """A supplied number is used once; supplying it again raises NumberTaken (not voided)."""
    supplied = Number(SERIES, 2026, 7, gongwen(7))
    assert make_document(supplied).document.number == gongwen(7)
    with pytest.raises(NumberTaken) as raised:
        make_document(supplied)
    assert (raised.value.serial, raised.value.voided) == (7, False)


def test_allocation_skips_supplied_numbers(sessions, make_document):
    """Numbers supplied ahead of the counter, one or several in a row, are never allocated again."""
    for serial in (2, 4, 5):
        make_document(Number(SERIES, 2026, serial, gongwen(serial)))
    assert [make_document(NEXT).document.serial for _ in range(4)] == [1, 3, 6, 7]


def test_voided_number_is_never_reused(sessions, make_document):
    """Voiding ahead of the counter makes allocation skip it and supplying it fail."""
    with writing(sessions) as session:
        void_number(session, SERIES, 2026, 2, "文号预留后未使用")
    assert [allocate(sessions), allocate(sessions)] == [1, 3]
    with pytest.raises(NumberTaken) as raised:
        make_document(Number(SERIES, 2026, 2, gongwen(2)))
    assert raised.value.voided is True


def test_voiding_an_issued_number_keeps_the_document(sessions, make_document):
    """An issued number can be voided once; the document keeps it; voiding again is refused."""
    document = make_document(NEXT).document
    with writing(sessions) as session:
        voided = void_number(session, SERIES, 2026, document.serial, "发文撤回")
    assert voided.void_reason == "发文撤回" and voided.voided_at.tzinfo is not None
    with pytest.raises(NumberTaken), writing(sessions) as session:
        void_number(session, SERIES, 2026, document.serial, "again")
    with sessions() as session:
        assert session.get(Document, document.id).number == gongwen(1)
        assert session.get(RegisteredNumber, (SERIES, 2026, 1)).void_reason == "发文撤回"
    assert allocate(sessions) == 2


def test_set_next_serial_adopts_mid_year(sessions, make_document):
    """A new counter can start anywhere; numbers issued by hand before can still be supplied."""
    with writing(sessions) as session:
        set_next_serial(session, SERIES, 2026, 18)
    assert allocate(sessions) == 18
    assert make_document(Number(SERIES, 2026, 5, gongwen(5))).document.serial == 5
    assert allocate(sessions) == 19


def test_set_next_serial_refuses_to_go_back(sessions):
    """Moving the counter to or below an issued or voided serial raises CounterConflict."""
    for _ in range(3):
        allocate(sessions)
    with writing(sessions) as session:
        void_number(session, SERIES, 2026, 10, "作废")
    for value in (3, 10):
        with pytest.raises(CounterConflict), writing(sessions) as session:
            set_next_serial(session, SERIES, 2026, value)
    with pytest.raises(ValueError), writing(sessions) as session:
        set_next_serial(session, SERIES, 2026, 0)
    with writing(sessions) as session:
        set_next_serial(session, SERIES, 2026, 11)
    assert allocate(sessions) == 11


def test_writes_need_a_write_transaction(sessions):
    """Numbering outside writing() is a programming error, caught before touching the data."""
    with pytest.raises(RuntimeError, match="writing"), sessions.begin() as session:
        allocate_serial(session, SERIES, 2026)
