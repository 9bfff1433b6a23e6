"""Makes documents: validate, number, render, store and record; shared by the API, the web page, the CLI and batch.

The store (service/store) only persists numbers, records and files; every step of making a document is here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy.orm import Session, sessionmaker

from . import profile
from .catalog import Catalog, Checked, Kind
from .checks import unknown_paths
from .engine import EngineError, Template, compiled
from .store import db, migrate, packs, records, templates
from .store.errors import IdempotencyConflict, NumberTaken
from .store.files import Storage, storage_from_url
from .store.numbering import Allocation, NextNumber, Number, NumberSource, Reserved, claim


class Invalid(Exception):
    """The payload failed validation; `errors` lists every problem with its path."""

    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} validation errors")
        self.errors = errors


@dataclass
class Produced:
    """The answer for one document: its record, its file and whether it was made before (a retried request;
    produce_many does not read a replayed file back: None)."""

    record: Any
    content: bytes | None
    replayed: bool


@dataclass(frozen=True)
class Request:
    """One document of a batch chunk: the payload, its idempotency key, the number reserved for it when
    its sheet was read, and the payload's validation (done as the sheet was read)."""

    payload: Any
    idempotency_key: str | None = None
    reserved: Number | None = None
    checked: Checked | None = None


@dataclass(frozen=True)
class Valid:
    """A batch request that passed validation: its record-to-be, data and number source."""

    new: records.NewDocument
    checked: Checked
    number: NumberSource | None


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
        """Validate, number, render, store and record one document, in that order; a retried request (same
        idempotency key and payload) answers with the earlier document. Raise Invalid, NumberTaken,
        IdempotencyConflict or EngineError, and then nothing is numbered, stored or recorded.

        A document whose number is known beforehand (supplied, or none) is rendered before the write
        transaction, so that only numbering and recording hold the lock."""
        self.profiles.refresh()
        checked = kind.check(payload)
        if checked.errors:
            raise Invalid(checked.errors)
        template = self.template(kind)
        new = new_document(kind, template, payload, checked, created_by, idempotency_key)
        source = number_source(kind, checked.data)
        early = render_early(kind, template, checked, source)
        with records.removed_unless_committed(self.storage) as stored, db.writing(self.sessions) as session:
            for attempt in records.attempts(session):
                with attempt:
                    earlier = records.earlier(session, new)
                    if earlier is None:
                        number = claim(session, source)
                        rendered = early or render(kind, template, checked, number)
                        record = records.new_record(new, rendered, number)
                        stored += records.store_files(self.storage, [(record, rendered.content)])
                        records.insert(session, [record])
        if earlier is not None:
            return Produced(earlier, packs.read(self.storage, earlier), replayed=True)
        return Produced(record, rendered.content, replayed=False)

    def produce_many(
        self, kind: Kind, requests: list[Request], created_by: str, also: AlsoRecord | None = None
    ) -> list[Outcome]:
        """Make a batch chunk's documents in one write transaction: one outcome per request, in order.

        The steps of produce(), for many at once: validate each request; render and store, as one
        pack and before taking the write lock, those whose number is known already (supplied,
        reserved when the sheet was read, or none), so that several workers can render at once;
        then, in the transaction, replay earlier documents, number the others in turn, render
        those that needed their number, store them as a second pack and insert every record in
        one statement. An invalid payload, a taken number, an idempotency conflict or a template
        error is that request's outcome and does not stop the others. `also(session, outcomes)`
        runs in the same transaction (e.g. to record the chunk as done with its documents).
        Stored files that no committed record uses (replays, taken numbers, a failed
        transaction) are removed.
        """
        self.profiles.refresh()
        checked = [request.checked or kind.check(request.payload) for request in requests]
        template = self.template(kind)
        valid = [
            Valid(new_document(kind, template, request.payload, result, created_by, request.idempotency_key), result,
                  Reserved(request.reserved) if request.reserved else number_source(kind, result.data))
            for request, result in zip(requests, checked) if not result.errors
        ]
        early = {position: render_record(kind, template, item, item.number.ahead if item.number else None)
                 for position, item in enumerate(valid) if item.number is None or item.number.ahead is not None}
        stored = records.store_files(self.storage, files_of(early.values()))
        used: set[str] = set()
        committed = False
        try:
            with db.writing(self.sessions) as session:
                for attempt in records.attempts(session):
                    with attempt:
                        outcomes = self._number_render_record(session, kind, template, valid, early)
                used = {done.record.file_key for done in outcomes if isinstance(done, Produced) and not done.replayed}
                stored += used
                outcome = iter(outcomes)
                answers = [Invalid(result.errors) if result.errors else next(outcome) for result in checked]
                if also is not None:
                    also(session, answers)
            committed = True
        finally:
            for key in set(stored) - (used if committed else set()):
                self.storage.delete(key)
        return answers

    def _number_render_record(self, session: Session, kind: Kind, template: Template, valid: list[Valid],
                              early: dict[int, Produced | EngineError]) -> list[Produced | Exception]:
        """In the write transaction: replay or number each valid request in turn, render those not rendered
        early, store their files as one pack and insert the numbers and the new records."""
        found = records.known(session, [item.new for item in valid])
        allocation = Allocation(session)
        outcomes: list[Produced | Exception] = []
        for position, item in enumerate(valid):
            try:
                earlier = records.replayed(found, item.new)
                number = allocation.take(item.number) if earlier is None and item.number is not None else None
            except (IdempotencyConflict, NumberTaken) as refused:
                outcomes.append(refused)
                continue
            if earlier is not None:
                outcomes.append(Produced(earlier, None, replayed=True))
                continue
            outcome = early[position] if position in early else render_record(kind, template, item, number)
            if isinstance(outcome, EngineError) and number is not None:
                allocation.give_back(number)
            if isinstance(outcome, Produced) and item.new.idempotency_key:
                found[(item.new.created_by, item.new.idempotency_key)] = outcome.record
            outcomes.append(outcome)
        fresh = [outcome for outcome in outcomes if isinstance(outcome, Produced) and not outcome.replayed]
        records.store_files(self.storage, files_of(done for done in fresh if done.record.file_key is None))
        allocation.register()
        records.insert(session, [done.record for done in fresh])
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
            number = Number(series, year, 0, numbering.format(series, year, PREVIEW_SERIAL))
        rendered = render(kind, self.template(kind), checked, number)
        return records.Rendered(rendered.content, PREVIEW_PREFIX + rendered.filename, rendered.warnings)


def new_document(kind: Kind, template: Template, payload: Any, checked: Checked, created_by: str,
                 idempotency_key: str | None) -> records.NewDocument:
    """The record-to-be of a valid payload, naming the exact template (its content hash) that fills it."""
    return records.NewDocument(
        kind=kind.id,
        template_version=template.sha256,
        data=checked.data,
        format="docx",
        created_by=created_by,
        idempotency_key=idempotency_key,
        request_hash=request_hash(kind.id, payload) if idempotency_key else None,
    )


def render(kind: Kind, template: Template, checked: Checked, number: Number | None) -> records.Rendered:
    """Fill the template with the checked data; the number, when there is one, goes into the kind's number field."""
    data = {**checked.data, kind.numbering.field: number.text} if number else checked.data
    content, filename = kind.render(data, template)
    return records.Rendered(content, filename, checked.warnings)


def render_early(kind: Kind, template: Template, checked: Checked, source: NumberSource | None) -> records.Rendered | None:
    """The document rendered before the write transaction when its number is known (supplied, or none); None
    when it is not, or when the template fails (then rendering again in the transaction raises the error,
    unless an earlier document under the same idempotency key answers first)."""
    if source is not None and source.ahead is None:
        return None
    try:
        return render(kind, template, checked, source and source.ahead)
    except EngineError:
        return None


def render_record(kind: Kind, template: Template, item: Valid, number: Number | None) -> Produced | EngineError:
    """A batch request rendered with its number into a new record (not yet stored), or the template's error."""
    try:
        rendered = render(kind, template, item.checked, number)
    except EngineError as error:
        return error
    return Produced(records.new_record(item.new, rendered, number), rendered.content, replayed=False)


def files_of(outcomes: Iterable[Produced | Exception]) -> list[tuple[records.Record, bytes]]:
    """The new records and their files among rendering outcomes."""
    return [(done.record, done.content) for done in outcomes if isinstance(done, Produced)]


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
