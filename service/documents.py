"""Makes documents: validate, number, render and record; shared by the API, the web page and batch."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy.orm import Session, sessionmaker

from . import profile
from .catalog import Catalog, Checked, Kind
from .checks import unknown_paths
from .engine import EngineError, Template, compiled
from .store import db, documents as records, migrate, packs, templates
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
PREVIEW_PREFIX = "预览-"
PREVIEW_SERIAL = "×"


@dataclass
class Services:
    """What one app instance works with: the kinds, the database and the file storage."""

    catalog: Catalog
    sessions: sessionmaker[Session]
    storage: Storage
    profiles: profile.Profiles

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
        self.profiles.refresh()
        checked = [request.checked or kind.check(request.payload) for request in requests]
        template = self.template(kind)
        pending = [
            records.Pending(new_document(kind, template, request, result, created_by),
                            renderer(kind, template, result),
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

    def template(self, kind: Kind) -> Template:
        """The kind's active template: one indexed query, then the compiled template cached by content hash
        (its file is read from the storage only the first time a process sees it)."""
        with self.sessions() as session:
            active = templates.active(session, kind.id)
        if active.sha256 is None:
            return kind.template
        return compiled(active.sha256, lambda: self.storage.get(active.file_key))

    def preview(self, kind: Kind, payload: Any) -> records.Rendered:
        """Validate and render with the active template, without numbering or recording (raise Invalid):
        the file, its name (预览-…) and the warnings. A number left out is printed with × for its serial."""
        self.profiles.refresh()
        checked = kind.check(payload)
        if checked.errors:
            raise Invalid(checked.errors)
        number = None
        numbering = kind.numbering
        if numbering is not None and not checked.data.get(numbering.field):
            series, year = numbering.series(checked.data), numbering.year(checked.data)
            number = Number(series, year, 0, f"{series}〔{year}〕{PREVIEW_SERIAL}号")
        rendered = renderer(kind, self.template(kind), checked)(number)
        return records.Rendered(rendered.content, PREVIEW_PREFIX + rendered.filename, rendered.warnings)


def new_document(kind: Kind, template: Template, request: Request, checked: Checked,
                 created_by: str) -> records.NewDocument:
    """The record-to-be of a valid request, naming the exact template (its content hash) that fills it."""
    return records.NewDocument(
        kind=kind.id,
        template_version=template.sha256,
        data=checked.data,
        format="docx",
        created_by=created_by,
        idempotency_key=request.idempotency_key,
        request_hash=request_hash(kind.id, request.payload) if request.idempotency_key else None,
    )


def renderer(kind: Kind, template: Template, checked: Checked) -> Callable[[Number | None], records.Rendered]:
    """Render the checked data into `template` with the claimed number filled in."""

    def render(number: Number | None) -> records.Rendered:
        """Fill the template; the number, when there is one, goes into the kind's number field."""
        data = {**checked.data, kind.numbering.field: number.text} if number else checked.data
        content, filename = kind.render(data, template)
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
    """The services over the configured database, file storage and profile file (DATABASE_URL, STORAGE_URL, PROFILE)."""
    sessions = db.session_factory(db.make_engine(config["DATABASE_URL"]))
    return Services(catalog, sessions, storage_from_url(config["STORAGE_URL"]),
                    profile.Profiles(sessions, config.get("PROFILE")))


def init_app(app: Flask) -> None:
    """Open the database (migrated to the latest schema), the file storage and the checked catalogue;
    every request starts with the organisation profile an administrator stored last."""
    found = open_services(app.config, checked_catalog())
    migrate.upgrade(found.sessions.kw["bind"])
    app.extensions["docgen"] = found

    @app.before_request
    def use_stored_profile() -> None:
        """Validate, publish and fill with the profile stored last (a change applies without restart)."""
        found.profiles.refresh()


def services() -> Services:
    """The services of the current app."""
    return current_app.extensions["docgen"]
