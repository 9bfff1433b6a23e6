"""Makes documents: validate, number, render and record; shared by the API, the web page and batch."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy.orm import Session, sessionmaker

from .catalog import Catalog, Checked, Kind
from .checks import unknown_paths
from .engine import EngineError
from .store import db, documents as records, migrate, packs
from .store.errors import IdempotencyConflict, NumberTaken
from .store.files import Storage, storage_from_url
from .store.numbering import NextNumber, Number, NumberSource, Reserved


class Invalid(Exception):
    """The payload failed validation; `errors` lists every problem with its path."""

    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} validation errors")
        self.errors = errors


@dataclass
class Produced:
    """A recorded document and its file (None for a replay in produce_many: not read back)."""

    record: Any
    content: bytes | None
    replayed: bool


@dataclass(frozen=True)
class Request:
    """One document to make: the caller's payload, optionally an idempotency key, a number reserved for it
    and the payload's validation (when it was checked already, e.g. as its batch was read)."""

    payload: Any
    idempotency_key: str | None = None
    reserved: Number | None = None
    checked: Checked | None = None


Outcome = Produced | Invalid | NumberTaken | IdempotencyConflict | EngineError
AlsoRecord = Callable[[Session, list[Outcome]], None]


@dataclass
class Services:
    """What one app instance works with: the kinds, the database and the file storage."""

    catalog: Catalog
    sessions: sessionmaker[Session]
    storage: Storage

    def produce(self, kind: Kind, payload: Any, created_by: str, idempotency_key: str | None = None) -> Produced:
        """Validate, number, render and record one document; raise Invalid, NumberTaken or IdempotencyConflict."""
        outcome = self.produce_many(kind, [Request(payload, idempotency_key)], created_by)[0]
        if isinstance(outcome, Exception):
            raise outcome
        if outcome.content is None:
            outcome.content = packs.read(self.storage, outcome.record)
        return outcome

    def produce_many(
        self, kind: Kind, requests: list[Request], created_by: str, also: AlsoRecord | None = None
    ) -> list[Outcome]:
        """Make several documents in one write transaction: one outcome per request, in order.

        Each request is validated and, if valid, numbered, rendered and recorded as produce()
        would; an invalid payload, a taken number, an idempotency conflict or a template error
        is that request's outcome and does not stop the others. `also(session, outcomes)` runs
        in the same transaction (e.g. to record a batch chunk as done with its documents).
        Documents whose number is known beforehand are rendered and stored before the write
        transaction, so that only numbering and recording hold the lock.
        """
        checked = [request.checked or kind.check(request.payload) for request in requests]
        pending = [
            records.Pending(new_document(kind, request, result, created_by), renderer(kind, result),
                            Reserved(request.reserved) if request.reserved else number_source(kind, result.data))
            for request, result in zip(requests, checked) if not result.errors
        ]
        pending = records.render_early(self.storage, pending, failures=(EngineError,))
        saved: list = []
        committed = False
        try:
            with db.writing(self.sessions) as session:
                saved = records.create_documents(session, self.storage, pending, failures=(EngineError,))
                made = iter(saved)
                outcomes = [Invalid(result.errors) if result.errors else produced(next(made)) for result in checked]
                if also is not None:
                    also(session, outcomes)
            committed = True
        finally:
            records.discard_unused(self.storage, pending, saved, committed)
        return outcomes


def new_document(kind: Kind, request: Request, checked: Checked, created_by: str) -> records.NewDocument:
    """The record-to-be of a valid request."""
    return records.NewDocument(
        kind=kind.id,
        template_version=kind.template.sha256,
        data=checked.data,
        format="docx",
        created_by=created_by,
        idempotency_key=request.idempotency_key,
        request_hash=request_hash(kind.id, request.payload) if request.idempotency_key else None,
    )


def renderer(kind: Kind, checked: Checked) -> Callable[[Number | None], records.Rendered]:
    """Render the checked data with the claimed number filled in."""

    def render(number: Number | None) -> records.Rendered:
        """Fill the template; the number, when there is one, goes into the kind's number field."""
        data = {**checked.data, kind.numbering.field: number.text} if number else checked.data
        content, filename = kind.render(data)
        return records.Rendered(content, filename, checked.warnings)

    return render


def produced(outcome: records.Saved | Exception) -> Outcome:
    """A store outcome as the caller sees it."""
    if isinstance(outcome, Exception):
        return outcome
    return Produced(outcome.document, outcome.content, outcome.replayed)


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


def open_services(config: Mapping, catalog: Catalog) -> Services:
    """The services over the configured database and file storage (DATABASE_URL, STORAGE_URL)."""
    engine = db.make_engine(config["DATABASE_URL"])
    return Services(catalog, db.session_factory(engine), storage_from_url(config["STORAGE_URL"]))


def init_app(app: Flask) -> None:
    """Open the database (migrated to the latest schema), the file storage and the checked catalogue."""
    found = open_services(app.config, checked_catalog())
    migrate.upgrade(found.sessions.kw["bind"])
    app.extensions["docgen"] = found


def services() -> Services:
    """The services of the current app."""
    return current_app.extensions["docgen"]
