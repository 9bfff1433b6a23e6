"""Document records: create one or many (numbers, files and rows in one transaction), replay, get and list."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import ColumnElement, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.store import packs
from service.store.db import require_write
from service.store.errors import IdempotencyConflict, NumberTaken
from service.store.models import Document, new_id, utcnow
from service.store.numbering import Allocation, Number, NumberSource

if TYPE_CHECKING:
    from service.store.files import Storage

MAX_PAGE = 200
CONFLICT_RETRIES = 3
DOCUMENTS = Document.__table__
NUMBER_COLUMNS = ("number", "series", "year", "serial")


@dataclass(frozen=True)
class NewDocument:
    """What is known before rendering: the validated request and who makes it."""

    kind: str
    template_version: str
    data: dict[str, Any]
    format: str
    created_by: str
    idempotency_key: str | None = None
    request_hash: str | None = None


@dataclass(frozen=True)
class Rendered:
    """What rendering produced: the file, its download name and non-fatal warnings."""

    content: bytes
    filename: str
    warnings: list[dict[str, str]] = field(default_factory=list)


class Record(SimpleNamespace):
    """A document made now: its column values, read as the attributes of the Document it becomes
    once inserted. Built without the ORM: a batch makes thousands, and an ORM object costs about
    as much as the package it records."""


class Saved(NamedTuple):
    """The outcome of create_document; `replayed` is True when an earlier record was returned.

    `content` is the file when it was made now; a replayed file is not read back (None).
    """

    document: Document | Record
    replayed: bool
    content: bytes | None = None


@dataclass(frozen=True)
class Pending:
    """One document to create: the request, how to render it and where its number comes from.

    `early` is the outcome of rendering it before the write transaction (see render_early).
    """

    new: NewDocument
    render: Callable[[Number | None], Rendered]
    number: NumberSource | None = None
    early: Saved | Exception | None = None


@dataclass(frozen=True)
class Page:
    """One page of a document listing, newest first, with the total matching count."""

    items: list[Document]
    total: int
    limit: int
    offset: int


def create_document(
    session: Session,
    storage: Storage,
    new: NewDocument,
    render: Callable[[Number | None], Rendered],
    number: NumberSource | None = None,
) -> Saved:
    """Claim the number, render, record the document and store its file in one transaction.

    The caller's transaction must come from writing(); `render` runs inside it, holding the
    series' counter lock (on SQLite the write lock), so it should only render. A repeated
    idempotency key with the same request hash returns the earlier record without rendering;
    with another hash it raises IdempotencyConflict. A supplied number already issued or
    voided raises NumberTaken. If `render` raises, nothing is recorded and no serial is used;
    the file is stored last, so a record never lacks its file.
    """
    outcome = create_documents(session, storage, [Pending(new, render, number)])[0]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def render_early(storage: Storage, pending: Sequence[Pending], failures: tuple[type[Exception], ...] = ()) -> list[Pending]:
    """Render and store, before any transaction, the items whose number is known already.

    That is every item without a number, with a supplied one or with one reserved earlier; only
    the next serial of a series must be rendered inside the transaction that allocates it.
    Done early, the work holds no lock, so several processes can do it at once. A render error of
    the types in `failures` becomes the item's outcome. Files of items that turn out to be replays
    or to carry a taken number are removed by discard_unused() after the transaction.
    """
    early: dict[int, Saved | Exception] = {}
    for position, item in enumerate(pending):
        if item.number is None or item.number.ahead is not None:
            early[position] = _render(item, item.number.ahead if item.number else None, failures)
    store_files(storage, [saved for saved in early.values() if isinstance(saved, Saved)])
    return [replace(item, early=early.get(position)) for position, item in enumerate(pending)]


def discard_unused(storage: Storage, pending: Sequence[Pending], outcomes: Sequence[Saved | Exception],
                   committed: bool) -> None:
    """Delete the files stored for `pending` that no committed document uses: those rendered early for
    replays or taken numbers and, when the transaction failed (the database away, the disk full), all."""
    made = {outcome.document.file_key for outcome in outcomes if isinstance(outcome, Saved) and not outcome.replayed}
    early = {item.early.document.file_key for item in pending if isinstance(item.early, Saved)}
    for key in (early | made) - (made if committed else set()):
        storage.delete(key)


def create_documents(
    session: Session,
    storage: Storage,
    pending: Sequence[Pending],
    failures: tuple[type[Exception], ...] = (),
) -> list[Saved | Exception]:
    """Create many documents in the caller's write transaction: one outcome per item, in order.

    Each item behaves as create_document() would on its own, in item order: replays, numbers
    allocated in turn. IdempotencyConflict, NumberTaken and render errors of the types in
    `failures` become that item's outcome and use no serial; any other error aborts the call.
    Items rendered early keep that rendering; the others are rendered here and their files
    stored before this returns (so before the caller commits); rows are inserted in bulk. If a
    concurrent transaction (PostgreSQL) records a twin or a number first, the whole call is
    tried again.
    """
    require_write(session)
    for attempt in range(CONFLICT_RETRIES):
        try:
            with session.begin_nested():
                return _create(session, storage, pending, failures)
        except IntegrityError:
            if attempt == CONFLICT_RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def _create(session: Session, storage: Storage, pending: Sequence[Pending],
            failures: tuple[type[Exception], ...]) -> list[Saved | Exception]:
    """Replay, number, render and store each item, then insert the numbers and rows in bulk."""
    known = _known(session, pending)
    allocation = Allocation(session)
    outcomes: list[Saved | Exception] = []
    for item in pending:
        outcome = _replay(known, item.new) or _make(allocation, item, failures)
        if isinstance(outcome, Saved) and item.new.idempotency_key:
            known[(item.new.created_by, item.new.idempotency_key)] = outcome.document
        outcomes.append(outcome)
    fresh = [saved for saved in outcomes if isinstance(saved, Saved) and not saved.replayed]
    store_files(storage, [saved for saved in fresh if saved.document.file_key is None])
    allocation.register()
    if fresh:
        session.connection().execute(insert(DOCUMENTS), [_columns(saved.document) for saved in fresh])
    return outcomes


def store_files(storage: Storage, made: Sequence[Saved]) -> None:
    """Store the files of new documents and note where: one alone under its id, several as one pack."""
    if len(made) == 1:
        document = made[0].document
        document.file_key = f"documents/{document.id}.{document.format}"
        storage.put(document.file_key, made[0].content)
    elif made:
        key = f"documents/{new_id()}.zip"
        for saved in made:
            saved.document.file_key, saved.document.file_entry = key, f"{saved.document.id}.{saved.document.format}"
        storage.put(key, packs.pack((saved.document.file_entry, saved.content) for saved in made))


def _known(session: Session, pending: Sequence[Pending]) -> dict[tuple[str, str], Document]:
    """Documents already recorded under the items' idempotency keys, by (creator, key)."""
    keys: dict[str, set[str]] = {}
    for item in pending:
        if item.new.idempotency_key:
            keys.setdefault(item.new.created_by, set()).add(item.new.idempotency_key)
    found: dict[tuple[str, str], Document] = {}
    for creator, wanted in keys.items():
        query = select(Document).where(Document.created_by == creator, Document.idempotency_key.in_(sorted(wanted)))
        found.update(((creator, document.idempotency_key), document) for document in session.scalars(query))
    return found


def _replay(known: dict[tuple[str, str], Document], new: NewDocument) -> Saved | IdempotencyConflict | None:
    """The earlier document under the same key, a conflict if it was another request, or None."""
    document = known.get((new.created_by, new.idempotency_key)) if new.idempotency_key else None
    if document is None:
        return None
    if document.request_hash != new.request_hash:
        return IdempotencyConflict(f"idempotency key {new.idempotency_key!r} was used for another request")
    return Saved(document, replayed=True)


def _make(allocation: Allocation, item: Pending, failures: tuple[type[Exception], ...]) -> Saved | Exception:
    """Hold the item's number and render it (unless it was rendered early); a failure gives the number back."""
    try:
        number = allocation.take(item.number) if item.number is not None else None
    except NumberTaken as taken:
        return taken
    made = item.early if item.early is not None else _render(item, number, failures)
    if isinstance(made, Exception) and number is not None:
        allocation.give_back(number)
    return made


def _render(item: Pending, number: Number | None, failures: tuple[type[Exception], ...]) -> Saved | Exception:
    """Render one item with its number: the new document, not yet stored, or the render error."""
    try:
        rendered = item.render(number)
    except failures as error:
        return error
    return Saved(_document(item.new, rendered, number), replayed=False, content=rendered.content)


def _document(new: NewDocument, rendered: Rendered, number: Number | None) -> Record:
    """The record of a newly rendered document (not yet stored nor inserted)."""
    return Record(
        id=new_id(),
        **{column.name: getattr(new, column.name) for column in fields(new)},
        sha256=hashlib.sha256(rendered.content).hexdigest(),
        size=len(rendered.content),
        file_key=None,
        file_entry=None,
        filename=rendered.filename,
        warnings=list(rendered.warnings),
        created_at=utcnow(),
        **_number_columns(number),
    )


def _columns(document: Document | Record) -> dict[str, Any]:
    """A record's column values, for a bulk insert."""
    return {column.key: getattr(document, column.key) for column in DOCUMENTS.columns}


def _number_columns(number: Number | None) -> dict[str, Any]:
    """The number columns of a record; all None for an unnumbered document."""
    if number is None:
        return dict.fromkeys(NUMBER_COLUMNS)
    return {"number": number.text, "series": number.series, "year": number.year, "serial": number.serial}


def get_document(session: Session, document_id: str) -> Document | None:
    """Return the document with this id, or None."""
    return session.get(Document, document_id)


def list_documents(
    session: Session,
    *,
    kind: str | None = None,
    created_from: dt.datetime | None = None,
    created_to: dt.datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page:
    """List documents newest first; `created_from` is inclusive, `created_to` exclusive."""
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise ValueError(f"limit must be 1–{MAX_PAGE} and offset at least 0")
    conditions = _filters(kind, created_from, created_to)
    total = session.scalar(select(func.count()).select_from(Document).where(*conditions)) or 0
    query = select(Document).where(*conditions).order_by(Document.created_at.desc(), Document.id.desc())
    items = list(session.scalars(query.limit(limit).offset(offset)))
    return Page(items, total, limit, offset)


def _filters(
    kind: str | None, created_from: dt.datetime | None, created_to: dt.datetime | None
) -> list[ColumnElement[bool]]:
    """The WHERE conditions for the given listing filters."""
    conditions = []
    if kind is not None:
        conditions.append(Document.kind == kind)
    if created_from is not None:
        conditions.append(Document.created_at >= created_from)
    if created_to is not None:
        conditions.append(Document.created_at < created_to)
    return conditions
