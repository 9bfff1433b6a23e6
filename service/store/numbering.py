"""Numbering: per (series, year) counters, supplied numbers, voids; a serial is never reused.

Every serial that is issued or voided gets a row in `numbers` (primary key series, year,
serial), so no two documents and no void can share a number on any backend. Allocation
locks the counter row, then takes the first serial from the counter on that is not yet
registered: numbers registered ahead of the counter (supplied by hand or voided in
advance) are skipped, never handed out twice. The hot path uses Core statements on the
session's connection: a document request usually runs two of them (see claim()).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Executable, func, insert, select, update
from sqlalchemy.engine import Result
from sqlalchemy.orm import Session

from service.store.db import INSERTS, insert_ignore, require_write
from service.store.errors import CounterConflict, NumberTaken
from service.store.models import NumberCounter, RegisteredNumber, utcnow

COUNTERS = NumberCounter.__table__
NUMBERS = RegisteredNumber.__table__


@dataclass(frozen=True)
class Number:
    """A number as printed (`text`, e.g. 中心党总支〔2026〕3号) and the parts it is made of."""

    series: str
    year: int
    serial: int
    text: str


@dataclass(frozen=True)
class NextNumber:
    """Ask for the next free serial of a series and year, printed by the caller's `format`."""

    series: str
    year: int
    format: Callable[[int], str]

    def numbered(self, serial: int) -> Number:
        """The number this request gets with `serial`."""
        return Number(self.series, self.year, serial, self.format(serial))


@dataclass
class _Run:
    """One series and year's counter, locked: the serials registered at or above it."""

    registered: set[int]
    cursor: int
    issued: set[int] = field(default_factory=set)


class Allocation:
    """Numbers handed out during one write transaction and registered together by register().

    Next serials come from each series' counter (locked until commit) in request order, skipping
    every serial registered or held, exactly as one claim() after another would; supplied
    numbers are checked against the register and against those held. A number can be given back
    (its document failed to render) and is then handed out again.
    """

    def __init__(self, session: Session) -> None:
        """Start an empty allocation in the caller's write transaction."""
        require_write(session)
        self.session = session
        self._runs: dict[tuple[str, int], _Run] = {}
        self._held: set[tuple[str, int, int]] = set()

    def take(self, wanted: Number | NextNumber) -> Number:
        """The supplied number (NumberTaken if it is issued, voided or held), or the next free one; held until
        register() (or given back)."""
        if isinstance(wanted, Number):
            return self.supplied(wanted)
        return wanted.numbered(self.next_serial(wanted.series, wanted.year))

    def give_back(self, number: Number) -> None:
        """Release a held number so the next request may have it."""
        self._held.discard((number.series, number.year, number.serial))
        run = self._runs.get((number.series, number.year))
        if run is not None and number.serial in run.issued:
            run.issued.discard(number.serial)
            run.cursor = min(run.cursor, number.serial)

    def next_serial(self, series: str, year: int) -> int:
        """Hold the lowest serial from the counter on that is neither registered nor held."""
        run = self._run(series, year)
        serial = run.cursor
        while serial in run.registered or (series, year, serial) in self._held:
            serial += 1
        run.cursor = serial + 1
        run.issued.add(serial)
        self._held.add((series, year, serial))
        return serial

    def supplied(self, number: Number) -> Number:
        """Hold a supplied number; raise NumberTaken if it is held, issued or voided."""
        key = (number.series, number.year, number.serial)
        if key in self._held:
            raise NumberTaken(*key, voided=False)
        voided = _voided(self.session, *key)
        if voided is not None:
            raise NumberTaken(*key, voided=voided)
        self._held.add(key)
        return number

    def register(self) -> None:
        """Register every held number and move each counter past its last issued serial.

        Raises IntegrityError if another transaction registered one of them meanwhile.
        """
        if self._held:
            now = utcnow()
            rows = [{"series": s, "year": y, "serial": n, "registered_at": now} for s, y, n in sorted(self._held)]
            _execute(self.session, insert(NUMBERS), rows)
        for (series, year), run in self._runs.items():
            if run.issued:
                _execute(self.session, update(COUNTERS).where(*_counter(series, year))
                         .values(next_serial=max(run.issued) + 1))

    def _run(self, series: str, year: int) -> _Run:
        """The locked counter of (series, year) and the serials registered at or above it."""
        if (series, year) not in self._runs:
            start = _locked_counter(self.session, series, year)
            query = select(NUMBERS.c.serial).where(
                NUMBERS.c.series == series, NUMBERS.c.year == year, NUMBERS.c.serial >= start)
            registered = set(_execute(self.session, query).scalars())
            self._runs[(series, year)] = _Run(registered, start)
        return self._runs[(series, year)]


def _execute(session: Session, statement: Executable, parameters: Any = None) -> Result:
    """Run a Core statement on the session's connection, without the ORM's bookkeeping."""
    return session.connection().execute(statement, parameters)


def _counter(series: str, year: int) -> tuple:
    """The WHERE clause picking one counter."""
    return COUNTERS.c.series == series, COUNTERS.c.year == year


def claim(session: Session, wanted: Number | NextNumber | None) -> Number | None:
    """Register one document's number (None for an unnumbered document); NumberTaken for a supplied one in use.

    Usually two statements: move the counter on (creating and locking it) and register the serial it
    stood on, or the supplied number. Only when that serial was registered ahead of the counter
    (supplied by hand or voided in advance) does an Allocation look for the next free one.
    """
    if wanted is None:
        return None
    require_write(session)
    series, year = wanted.series, wanted.year
    serial = wanted.serial if isinstance(wanted, Number) else _advanced_counter(session, series, year) - 1
    registered = {"series": series, "year": year, "serial": serial, "registered_at": utcnow()}
    if insert_ignore(session, RegisteredNumber, registered):
        return wanted if isinstance(wanted, Number) else wanted.numbered(serial)
    if isinstance(wanted, Number):  # waited, on PostgreSQL, for a concurrent transaction registering it to end
        raise NumberTaken(series, year, serial, voided=_voided(session, series, year, serial))
    allocation = Allocation(session)
    number = allocation.take(wanted)
    allocation.register()
    return number


def register_numbers(session: Session, wanted: list[Number | NextNumber]) -> list[Number | NumberTaken]:
    """Register a number for each request, in order: the number, or NumberTaken for a supplied one in use."""
    allocation = Allocation(session)
    numbers: list[Number | NumberTaken] = []
    for request in wanted:
        try:
            numbers.append(allocation.take(request))
        except NumberTaken as taken:
            numbers.append(taken)
    allocation.register()
    return numbers


def set_next_serial(session: Session, series: str, year: int, next_serial: int) -> None:
    """Make `next_serial` the next serial to allocate, e.g. when adopting the service mid-year.

    Raise CounterConflict unless it is above every serial already issued or voided in the
    series and year: numbers stay in issue order and nothing is handed out twice. Moving the
    counter forward leaves a gap for numbers issued elsewhere (they can still be supplied).
    """
    require_write(session)
    if next_serial < 1:
        raise ValueError("serials start at 1")
    _locked_counter(session, series, year)
    highest = _highest_serial(session, series, year)
    if next_serial <= highest:
        raise CounterConflict(f"{series} {year}: serial {highest} is already issued or voided")
    _execute(session, update(COUNTERS).where(*_counter(series, year)).values(next_serial=next_serial))


def void_number(session: Session, series: str, year: int, serial: int, reason: str) -> RegisteredNumber:
    """Void a serial for good, issued or not; raise NumberTaken if it is already voided.

    A document that carries the number keeps it; the void records that it no longer counts.
    """
    require_write(session)
    insert_ignore(session, RegisteredNumber, {"series": series, "year": year, "serial": serial, "registered_at": utcnow()})
    query = select(RegisteredNumber).filter_by(series=series, year=year, serial=serial).with_for_update()
    number = session.scalars(query.execution_options(populate_existing=True)).one()
    if number.voided_at is not None:
        raise NumberTaken(series, year, serial, voided=True)
    number.voided_at, number.void_reason = utcnow(), reason
    session.flush()
    return number


def void_numbers(session: Session, numbers: list[Number], reason: str) -> None:
    """Void registered numbers that will never be issued (their documents failed); voided ones stay as they are."""
    require_write(session)
    now = utcnow()
    for number in numbers:
        _execute(session, update(NUMBERS).where(
            NUMBERS.c.series == number.series, NUMBERS.c.year == number.year, NUMBERS.c.serial == number.serial,
            NUMBERS.c.voided_at.is_(None)).values(voided_at=now, void_reason=reason))


def _locked_counter(session: Session, series: str, year: int) -> int:
    """The next serial of (series, year)'s counter, created race-free if missing and locked until commit.

    One upsert does it: inserting the row, or on conflict "updating" it to itself, which takes
    the row lock on PostgreSQL (SQLite writers hold the database lock already).
    """
    statement = INSERTS[session.get_bind().dialect.name](COUNTERS).values(series=series, year=year, next_serial=1)
    statement = statement.on_conflict_do_update(
        index_elements=[COUNTERS.c.series, COUNTERS.c.year], set_={"next_serial": COUNTERS.c.next_serial})
    return _execute(session, statement.returning(COUNTERS.c.next_serial)).scalar_one()


def _advanced_counter(session: Session, series: str, year: int) -> int:
    """Move (series, year)'s counter on by one, created race-free if missing and locked until commit; its new value."""
    statement = INSERTS[session.get_bind().dialect.name](COUNTERS).values(series=series, year=year, next_serial=2)
    statement = statement.on_conflict_do_update(
        index_elements=[COUNTERS.c.series, COUNTERS.c.year], set_={"next_serial": COUNTERS.c.next_serial + 1})
    return _execute(session, statement.returning(COUNTERS.c.next_serial)).scalar_one()


def _voided(session: Session, series: str, year: int, serial: int) -> bool | None:
    """Whether a registered serial is voided; None if it is not registered."""
    query = select(NUMBERS.c.voided_at).where(
        NUMBERS.c.series == series, NUMBERS.c.year == year, NUMBERS.c.serial == serial)
    registered = _execute(session, query).first()
    return None if registered is None else registered.voided_at is not None


def _highest_serial(session: Session, series: str, year: int) -> int:
    """The highest serial issued or voided in (series, year), 0 if none."""
    query = select(func.max(NUMBERS.c.serial)).where(NUMBERS.c.series == series, NUMBERS.c.year == year)
    return _execute(session, query).scalar() or 0
