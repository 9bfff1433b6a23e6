"""Document records: find an earlier one by idempotency key, store new files, insert rows, get and list.

Only persistence: making a document (validate, number, render) is service/documents.py's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy import insert as insert_statement
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.store import packs
from service.store.db import require_write
from service.store.errors import IdempotencyConflict
from service.store.models import Document, new_id, utcnow

if TYPE_CHECKING:
    from service.store.files import Storage

MAX_PAGE = 200
CONFLICT_RETRIES = 3
DOCUMENTS = Document.__table__
EMPTY = dict.fromkeys(column.key for column in DOCUMENTS.columns)


class Record(SimpleNamespace):
    """A document being made: its column values, read as the attributes of the Document it becomes
    once inserted, filled in as it is numbered, rendered and stored. Built without the ORM: a batch
    makes thousands, and an ORM object costs about as much as the package it records."""


@dataclass(frozen=True)
class Page:
    """One page of a document listing, newest first, with the total matching count."""

    items: list[Document]
    total: int
    limit: int
    offset: int


class Attempt:
    """One try at recording in a savepoint of the caller's write transaction (see attempts())."""

    def __init__(self, session: Session, last: bool) -> None:
        """Prepare a try; the last one lets a conflict through."""
        self.session, self.last, self.done = session, last, False

    def __enter__(self) -> Attempt:
        """Open the savepoint."""
        self.savepoint = self.session.begin_nested()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: Any) -> bool:
        """Keep the savepoint's work if all went well; undo it on an error, and swallow a conflict to try again."""
        if error is None:
            self.savepoint.commit()
            self.done = True
            return False
        self.savepoint.rollback()
        return isinstance(error, IntegrityError) and not self.last


def attempts(session: Session) -> Iterator[Attempt]:
    """Savepoints to record in, `for attempt in attempts(session): with attempt: ...`, tried again when a
    concurrent transaction (PostgreSQL) recorded a twin or a number first; the last conflict is raised."""
    require_write(session)
    for attempt in range(CONFLICT_RETRIES):
        current = Attempt(session, last=attempt == CONFLICT_RETRIES - 1)
        yield current
        if current.done:
            return


def known(session: Session, news: Iterable[Record]) -> dict[tuple[str, str], Document]:
    """Documents already recorded under the idempotency keys of `news`, by (creator, key)."""
    keys: dict[str, set[str]] = {}
    for new in news:
        if new.idempotency_key:
            keys.setdefault(new.created_by, set()).add(new.idempotency_key)
    found: dict[tuple[str, str], Document] = {}
    for creator, wanted in keys.items():
        query = select(Document).where(Document.created_by == creator, Document.idempotency_key.in_(sorted(wanted)))
        found.update(((creator, document.idempotency_key), document) for document in session.scalars(query))
    return found


def replayed(found: dict[tuple[str, str], Document | Record], new: Record) -> Document | Record | None:
    """The earlier document under `new`'s idempotency key in `found` (see known()), or None; IdempotencyConflict
    if it was made for another request."""
    document = found.get((new.created_by, new.idempotency_key)) if new.idempotency_key else None
    if document is not None and document.request_hash != new.request_hash:
        raise IdempotencyConflict(f"idempotency key {new.idempotency_key!r} was used for another request")
    return document


def earlier(session: Session, new: Record) -> Document | None:
    """The document recorded before under `new`'s idempotency key, or None; IdempotencyConflict if another request."""
    return replayed(known(session, [new]), new) if new.idempotency_key else None


def new_record(**columns: Any) -> Record:
    """A record to be: the given columns, a new id and the time; the others (file, number) empty until filled in."""
    return Record(**(EMPTY | {"id": new_id(), "created_at": utcnow()} | columns))


def store_files(storage: Storage, made: Sequence[tuple[Record, bytes]]) -> list[str]:
    """Store the files of new records and note where in each: one alone under its id, several as one pack.
    Returns the keys written (for the caller to remove if the records are not committed)."""
    if len(made) == 1:
        record, content = made[0]
        record.file_key = f"documents/{record.id}.{record.format}"
        storage.put(record.file_key, content)
        return [record.file_key]
    if not made:
        return []
    key = f"documents/{new_id()}.zip"
    for record, _ in made:
        record.file_key, record.file_entry = key, f"{record.id}.{record.format}"
    storage.put(key, packs.pack((record.file_entry, content) for record, content in made))
    return [key]


def insert(session: Session, made: Sequence[Record]) -> None:
    """Insert new records in one statement, in the caller's write transaction."""
    require_write(session)
    if made:
        session.connection().execute(insert_statement(DOCUMENTS), [_columns(record) for record in made])


@contextmanager
def removed_unless_committed(storage: Storage) -> Iterator[list[str]]:
    """A list to note stored file keys in; they are deleted again if the block (its transaction) fails."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for key in stored:
            storage.delete(key)
        raise


def _columns(document: Document | Record) -> dict[str, Any]:
    """A record's column values, for a bulk insert."""
    return {column.key: getattr(document, column.key) for column in DOCUMENTS.columns}


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
