"""Makes documents: validate, number, render and record; shared by the API, the web page and batch."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy.orm import Session, sessionmaker

from .catalog import Catalog, Kind
from .checks import unknown_paths
from .store import db, documents as records, migrate
from .store.files import Storage, storage_from_url
from .store.numbering import NextNumber, Number, NumberSource


class Invalid(Exception):
    """The payload failed validation; `errors` lists every problem with its path."""

    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} validation errors")
        self.errors = errors


@dataclass
class Produced:
    """A recorded document and its file."""

    record: Any
    content: bytes
    replayed: bool


@dataclass
class Services:
    """What one app instance works with: the kinds, the database and the file storage."""

    catalog: Catalog
    sessions: sessionmaker[Session]
    storage: Storage

    def produce(self, kind: Kind, payload: Any, created_by: str, idempotency_key: str | None = None) -> Produced:
        """Validate, number, render and record one document; raise Invalid, NumberTaken or IdempotencyConflict."""
        checked = kind.check(payload)
        if checked.errors:
            raise Invalid(checked.errors)
        data = checked.data
        new = records.NewDocument(
            kind=kind.id,
            template_version=kind.template.sha256,
            data=data,
            format="docx",
            created_by=created_by,
            idempotency_key=idempotency_key,
            request_hash=request_hash(kind.id, payload) if idempotency_key else None,
        )

        made: list[bytes] = []

        def render(number: Number | None) -> records.Rendered:
            """Render with the claimed number filled in."""
            filled = {**data, kind.numbering.field: number.text} if number else data
            content, filename = kind.render(filled)
            made.append(content)
            return records.Rendered(content, filename, checked.warnings)

        with db.writing(self.sessions) as session:
            saved = records.create_document(session, self.storage, new, render, number_source(kind, data))
        content = self.storage.get(saved.document.file_key) if saved.replayed else made[-1]
        return Produced(saved.document, content, saved.replayed)


def number_source(kind: Kind, data: dict) -> NumberSource | None:
    """The supplied number to register, or a request for the next one; None for unnumbered kinds."""
    numbering = kind.numbering
    if numbering is None:
        return None
    supplied = data.get(numbering.field)
    if supplied:
        return Number(*numbering.parse(supplied), supplied)
    series, year = numbering.series(data), numbering.year(data)
    return NextNumber(series, year, lambda serial: numbering.format(series, year, serial))


def request_hash(kind_id: str, payload: Any) -> str:
    """A stable hash of a request, to tell a retried request from a different one."""
    canonical = json.dumps([kind_id, payload], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class TemplateMismatch(RuntimeError):
    """A kind's template reads values its data cannot provide."""


def checked_catalog() -> Catalog:
    """The catalogue, after checking every template against its kind's data."""
    catalog = Catalog()
    for kind in catalog:
        unknown = unknown_paths(kind)
        if unknown:
            raise TemplateMismatch(f"template of {kind.id} reads unknown values: {', '.join(unknown)}")
    return catalog


def init_app(app: Flask) -> None:
    """Open the database (migrated to the latest schema), the file storage and the checked catalogue."""
    engine = db.make_engine(app.config["DATABASE_URL"])
    migrate.upgrade(engine)
    storage = storage_from_url(app.config["STORAGE_URL"])
    app.extensions["docgen"] = Services(checked_catalog(), db.session_factory(engine), storage)


def services() -> Services:
    """The services of the current app."""
    return current_app.extensions["docgen"]
