"""Document records: create (number, file and row in one transaction), replay, get and list."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.store.db import require_write
from service.store.errors import IdempotencyConflict
from service.store.models import Document, new_id, utcnow
from service.store.numbering import Number, NumberSource

if TYPE_CHECKING:
    from service.store.files import Storage

MAX_PAGE = 200


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


class Saved(NamedTuple):
    """The outcome of create_document; `replayed` is True when an earlier record was returned."""

    document: Document
    replayed: bool


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
    require_write(session)
    replay = find_idempotent(session, new.created_by, new.idempotency_key, new.request_hash)
    if replay is not None:
        return Saved(replay, replayed=True)
    try:
        with session.begin_nested():
            document, content = _insert(session, new, render, number)
    except IntegrityError:
        replay = find_idempotent(session, new.created_by, new.idempotency_key, new.request_hash)
        if replay is None:
            raise
        return Saved(replay, replayed=True)  # a concurrent twin committed first (PostgreSQL)
    storage.put(document.file_key, content)
    return Saved(document, replayed=False)


def _insert(
    session: Session,
    new: NewDocument,
    render: Callable[[Number | None], Rendered],
    source: NumberSource | None,
) -> tuple[Document, bytes]:
    """Claim the number, render with it and flush the new record; return it and the file."""
    number = source.claim(session) if source is not None else None
    rendered = render(number)
    document_id = new_id()
    document = Document(
        id=document_id,
        **asdict(new),
        sha256=hashlib.sha256(rendered.content).hexdigest(),
        size=len(rendered.content),
        file_key=f"documents/{document_id}.{new.format}",
        filename=rendered.filename,
        warnings=list(rendered.warnings),
        created_at=utcnow(),
        **_number_columns(number),
    )
    session.add(document)
    session.flush()
    return document, rendered.content


def _number_columns(number: Number | None) -> dict[str, Any]:
    """The number columns of a record; none for an unnumbered document."""
    if number is None:
        return {}
    return {"number": number.text, "series": number.series, "year": number.year, "serial": number.serial}


def find_idempotent(
    session: Session, created_by: str, idempotency_key: str | None, request_hash: str | None
) -> Document | None:
    """Return the document made earlier by `created_by` under this key, or None.

    Raise IdempotencyConflict if that document was made from a different request.
    """
    if idempotency_key is None:
        return None
    query = select(Document).filter_by(created_by=created_by, idempotency_key=idempotency_key)
    document = session.scalars(query).one_or_none()
    if document is not None and document.request_hash != request_hash:
        raise IdempotencyConflict(f"idempotency key {idempotency_key!r} was used for another request")
    return document


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
