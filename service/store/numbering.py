"""Numbering: per (series, year) counters, supplied numbers, voids; a serial is never reused.

Every serial that is issued or voided gets a row in `numbers` (primary key series, year,
serial), so no two documents and no void can share a number on any backend. Allocation
locks the counter row, then takes the first serial from the counter on that is not yet
registered: numbers registered ahead of the counter (supplied by hand or voided in
advance) are skipped, never handed out twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from service.store.db import require_write
from service.store.errors import CounterConflict, NumberTaken
from service.store.models import NumberCounter, RegisteredNumber, utcnow

INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


@dataclass(frozen=True)
class Number:
    """A number as printed (`text`, e.g. 中心党总支〔2026〕3号) and the parts it is made of."""

    series: str
    year: int
    serial: int
    text: str

    def claim(self, session: Session) -> Number:
        """Register this supplied number; raise NumberTaken if it is issued or voided."""
        require_write(session)
        key = {"series": self.series, "year": self.year, "serial": self.serial}
        if not _insert_ignore(session, RegisteredNumber, key):
            number = session.get(RegisteredNumber, tuple(key.values()), populate_existing=True)
            raise NumberTaken(self.series, self.year, self.serial, voided=number.voided_at is not None)
        return self


@dataclass(frozen=True)
class NextNumber:
    """Ask for the next free serial of a series and year, printed by the caller's `format`."""

    series: str
    year: int
    format: Callable[[int], str]

    def claim(self, session: Session) -> Number:
        """Allocate the next serial and return the number it makes."""
        serial = allocate_serial(session, self.series, self.year)
        return Number(self.series, self.year, serial, self.format(serial))


class NumberSource(Protocol):
    """Where a document's number comes from: a supplied Number or a NextNumber request."""

    def claim(self, session: Session) -> Number:
        """Register or allocate the number in the caller's transaction."""


def allocate_serial(session: Session, series: str, year: int) -> int:
    """Take the next free serial of (series, year); concurrent callers get distinct serials."""
    require_write(session)
    counter = _locked_counter(session, series, year)
    while True:
        serial = counter.next_serial
        counter.next_serial = serial + 1
        if _insert_ignore(session, RegisteredNumber, {"series": series, "year": year, "serial": serial}):
            session.flush()
            return serial


def set_next_serial(session: Session, series: str, year: int, next_serial: int) -> None:
    """Make `next_serial` the next serial to allocate, e.g. when adopting the service mid-year.

    Raise CounterConflict unless it is above every serial already issued or voided in the
    series and year: numbers stay in issue order and nothing is handed out twice. Moving the
    counter forward leaves a gap for numbers issued elsewhere (they can still be supplied).
    """
    require_write(session)
    if next_serial < 1:
        raise ValueError("serials start at 1")
    counter = _locked_counter(session, series, year)
    highest = _highest_serial(session, series, year)
    if next_serial <= highest:
        raise CounterConflict(f"{series} {year}: serial {highest} is already issued or voided")
    counter.next_serial = next_serial
    session.flush()


def void_number(session: Session, series: str, year: int, serial: int, reason: str) -> RegisteredNumber:
    """Void a serial for good, issued or not; raise NumberTaken if it is already voided.

    A document that carries the number keeps it; the void records that it no longer counts.
    """
    require_write(session)
    _insert_ignore(session, RegisteredNumber, {"series": series, "year": year, "serial": serial})
    query = select(RegisteredNumber).filter_by(series=series, year=year, serial=serial).with_for_update()
    number = session.scalars(query.execution_options(populate_existing=True)).one()
    if number.voided_at is not None:
        raise NumberTaken(series, year, serial, voided=True)
    number.voided_at, number.void_reason = utcnow(), reason
    session.flush()
    return number


def _locked_counter(session: Session, series: str, year: int) -> NumberCounter:
    """Return the counter of (series, year), created race-free if missing, locked until commit."""
    _insert_ignore(session, NumberCounter, {"series": series, "year": year, "next_serial": 1})
    query = select(NumberCounter).filter_by(series=series, year=year).with_for_update()
    return session.scalars(query.execution_options(populate_existing=True)).one()


def _highest_serial(session: Session, series: str, year: int) -> int:
    """The highest serial issued or voided in (series, year), 0 if none."""
    query = select(func.max(RegisteredNumber.serial)).filter_by(series=series, year=year)
    return session.scalar(query) or 0


def _insert_ignore(session: Session, model: type, values: dict[str, Any]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING; True if the row was inserted."""
    insert = INSERTS[session.get_bind().dialect.name]
    statement = insert(model).values(**values).on_conflict_do_nothing().returning(literal(1))
    return session.execute(statement).first() is not None
