"""Numbering: per (series, year) counters, supplied numbers, voids; a serial is never reused.

Every serial that is issued or voided gets a row in `numbers` (primary key series, year,
serial), so no two documents and no void can share a number on any backend. Allocation
locks the counter row, then takes the first serial from the counter on that is not yet
registered: numbers registered ahead of the counter (supplied by hand or voided in
advance) are skipped, never handed out twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import func, insert, literal, select
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

    def reserve(self, allocation: Allocation) -> Number:
        """Hold this supplied number in `allocation`; raise NumberTaken if it is issued or voided."""
        return allocation.supplied(self)

    def claim(self, session: Session) -> Number:
        """Register this supplied number; raise NumberTaken if it is issued or voided."""
        return _claim_one(session, self)


@dataclass(frozen=True)
class NextNumber:
    """Ask for the next free serial of a series and year, printed by the caller's `format`."""

    series: str
    year: int
    format: Callable[[int], str]

    def reserve(self, allocation: Allocation) -> Number:
        """Hold the next free serial in `allocation`."""
        serial = allocation.next_serial(self.series, self.year)
        return Number(self.series, self.year, serial, self.format(serial))

    def claim(self, session: Session) -> Number:
        """Allocate the next serial and return the number it makes."""
        return _claim_one(session, self)


class NumberSource(Protocol):
    """Where a document's number comes from: a supplied Number or a NextNumber request."""

    def reserve(self, allocation: Allocation) -> Number:
        """Hold the number in `allocation`, to be registered with the others."""

    def claim(self, session: Session) -> Number:
        """Register or allocate the number in the caller's transaction."""


@dataclass
class _Run:
    """One series and year's counter, locked, and the serials at or above it already registered."""

    series: str
    year: int
    counter: NumberCounter
    registered: set[int]
    cursor: int
    issued: set[int] = field(default_factory=set)


class Allocation:
    """Numbers handed out during one write transaction and registered together by register().

    Next serials come from each series' counter (locked until commit) in request order, skipping
    every serial registered or held, exactly as one allocate_serial() after another would; supplied
    numbers are checked against the register and against those held. A number can be given back
    (its document failed to render) and is then handed out again.
    """

    def __init__(self, session: Session) -> None:
        """Start an empty allocation in the caller's write transaction."""
        require_write(session)
        self.session = session
        self._runs: dict[tuple[str, int], _Run] = {}
        self._held: set[tuple[str, int, int]] = set()

    def take(self, source: NumberSource) -> Number:
        """Hold the number `source` asks for."""
        number = source.reserve(self)
        self._held.add((number.series, number.year, number.serial))
        return number

    def give_back(self, number: Number) -> None:
        """Release a held number so the next request may have it."""
        self._held.discard((number.series, number.year, number.serial))
        run = self._runs.get((number.series, number.year))
        if run is not None and number.serial in run.issued:
            run.issued.discard(number.serial)
            run.cursor = min(run.cursor, number.serial)

    def next_serial(self, series: str, year: int) -> int:
        """The lowest serial from the counter on that is neither registered nor held."""
        run = self._run(series, year)
        serial = run.cursor
        while serial in run.registered or (series, year, serial) in self._held:
            serial += 1
        run.cursor = serial + 1
        run.issued.add(serial)
        return serial

    def supplied(self, number: Number) -> Number:
        """Check a supplied number is free; raise NumberTaken if it is held, issued or voided."""
        key = (number.series, number.year, number.serial)
        if key in self._held:
            raise NumberTaken(*key, voided=False)
        registered = self.session.get(RegisteredNumber, key, populate_existing=True)
        if registered is not None:
            raise NumberTaken(*key, voided=registered.voided_at is not None)
        return number

    def register(self) -> None:
        """Register every held number and move each counter past its last issued serial.

        Raises IntegrityError if another transaction registered one of them meanwhile.
        """
        if self._held:
            rows = [{"series": s, "year": y, "serial": n} for s, y, n in sorted(self._held)]
            self.session.execute(insert(RegisteredNumber), rows)
        for run in self._runs.values():
            if run.issued:
                run.counter.next_serial = max(run.issued) + 1
        self.session.flush()

    def _run(self, series: str, year: int) -> _Run:
        """The locked counter of (series, year) and the serials registered at or above it."""
        if (series, year) not in self._runs:
            counter = _locked_counter(self.session, series, year)
            query = select(RegisteredNumber.serial).filter_by(series=series, year=year)
            registered = set(self.session.scalars(query.where(RegisteredNumber.serial >= counter.next_serial)))
            self._runs[(series, year)] = _Run(series, year, counter, registered, counter.next_serial)
        return self._runs[(series, year)]


def _claim_one(session: Session, source: NumberSource) -> Number:
    """Hold and register a single number."""
    allocation = Allocation(session)
    number = allocation.take(source)
    allocation.register()
    return number


def allocate_serial(session: Session, series: str, year: int) -> int:
    """Take the next free serial of (series, year); concurrent callers get distinct serials."""
    return NextNumber(series, year, str).claim(session).serial


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
