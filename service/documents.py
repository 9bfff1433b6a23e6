"""Makes documents: validate, number, render, store and record; shared by the API, the web page, the CLI and batch.

The store (service/store) only persists numbers, records and files; every step of making a document is here.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, has_request_context, request
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from schemas.profile import PROFILE, Profile

from . import profile
from .catalog import Catalog, Checked, Kind
from .checks import unknown_paths
from .engine import EngineError, Template, compiled
from .store import db, migrate, packs, records, templates
from .store.errors import IdempotencyConflict, NumberTaken
from .store.files import Storage, storage_from_url
from .store.numbering import Allocation, NextNumber, Number, claim


class Invalid(Exception):
    """The payload failed validation; `errors` lists every problem with its path."""

    def __init__(self, errors: list[dict]):
        super().__init__(f"{len(errors)} validation errors")
        self.errors = errors


@dataclass
class Produced:
    """A document's record and file: made now, made before (`replayed`: a retried request; produce_many
    does not read a replayed file back: None), or a preview (its record neither numbered nor kept)."""

    record: Any
    content: bytes | None
    replayed: bool = False


@dataclass(frozen=True)
class Request:
    """One document of a batch chunk: the payload, its idempotency key, the number reserved for it when
    its sheet was read, and the payload's validation (done as the sheet was read)."""

    payload: Any
    idempotency_key: str | None = None
    reserved: Number | None = None
    checked: Checked | None = None


Outcome = Produced | Invalid | NumberTaken | IdempotencyConflict | EngineError
AlsoRecord = Callable[[Session, list[Outcome]], None]
Wanted = Number | NextNumber | None  # the number a document asks for: supplied, the next one, or none to register
REFRESHED = "docgen.refreshed"  # in a request's WSGI environ once Services.refresh() has read
PREVIEW_PREFIX = "预览-"
PREVIEW_SERIAL = "×"


@dataclass
class Services:
    """What one app instance works with: the kinds, the database, the file storage, the profile and the active
    templates (as this process last saw them: see refresh())."""

    catalog: Catalog
    sessions: sessionmaker[Session]
    storage: Storage
    profiles: profile.Profiles
    active: dict[str, templates.Active] = field(default_factory=dict)
    activations: int | None = None

    def refresh(self) -> Profile:
        """Pick up what an administrator changed since this process last looked (the stored profile, the active
        templates) with one statement; in an HTTP request only its first call reads. The profile in use."""
        if has_request_context():  # the request's own mark: requests may share an app context (and its g)
            if request.environ.get(REFRESHED):
                return PROFILE.current
            request.environ[REFRESHED] = True
        with self.sessions.kw["bind"].connect() as connection:
            sha256, activations = connection.execute(select(profile.STORED_SHA256, templates.ACTIVATIONS)).one()
            if activations != self.activations:
                self.active, self.activations = templates.active(connection), activations
        return self.profiles.use(sha256)

    def _valid(self, kind: Kind, payload: Any) -> tuple[Checked, Template, Wanted]:
        """The first steps of one document, with the profile and templates in use: the payload checked (raise
        Invalid), the kind's active template and the number it wants."""
        self.refresh()
        checked = kind.check(payload)
        if checked.errors:
            raise Invalid(checked.errors)
        return checked, self.template(kind), wanted_number(kind, checked.data)

    def produce(self, kind: Kind, payload: Any, created_by: str, idempotency_key: str | None = None) -> Produced:
        """Validate, number, render, store and record one document, in that order; a retried request (same
        idempotency key and payload) answers with the earlier document. Raise Invalid, NumberTaken,
        IdempotencyConflict or EngineError, and then nothing is numbered, stored or recorded.

        A document whose number is known beforehand (supplied, or none) is rendered before the write
        transaction, so that only numbering and recording hold the lock."""
        checked, template, wanted = self._valid(kind, payload)
        record = new_record(kind, template, payload, checked, created_by, idempotency_key, wanted)
        early = rendered(kind, template, record) if not isinstance(wanted, NextNumber) else None
        with records.removed_unless_committed(self.storage) as stored, db.writing(self.sessions) as session:
            for attempt in records.attempts(session):
                with attempt:
                    earlier = records.earlier(session, record)
                    if earlier is None:
                        numbered(record, claim(session, wanted))
                        content = early.content if isinstance(early, Produced) else render(kind, template, record)
                        stored += records.store_files(self.storage, [(record, content)])
                        records.insert(session, [record])
        if earlier is not None:
            return Produced(earlier, packs.read(self.storage, earlier), replayed=True)
        return Produced(record, content)

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
        self.refresh()
        checked = [asked.checked or kind.check(asked.payload) for asked in requests]
        template = self.template(kind)
        valid: list[tuple[records.Record, Wanted]] = []
        for asked, result in zip(requests, checked):
            if not result.errors:  # a number reserved when the sheet was read is registered already: none wanted
                wanted = None if asked.reserved else wanted_number(kind, result.data)
                valid.append((new_record(kind, template, asked.payload, result, created_by,
                                         asked.idempotency_key, asked.reserved or wanted), wanted))
        early = {position: rendered(kind, template, record)
                 for position, (record, wanted) in enumerate(valid) if not isinstance(wanted, NextNumber)}
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

    def _number_render_record(self, session: Session, kind: Kind, template: Template,
                              valid: list[tuple[records.Record, Wanted]],
                              early: dict[int, Produced | EngineError]) -> list[Produced | Exception]:
        """In the write transaction: replay or number each valid request in turn, render those not rendered
        early, store their files as one pack and insert the numbers and the new records."""
        found = records.known(session, [record for record, _ in valid])
        allocation = Allocation(session)
        outcomes: list[Produced | Exception] = []
        for position, (record, wanted) in enumerate(valid):
            try:
                earlier = records.replayed(found, record)
                claimed = allocation.take(wanted) if earlier is None and wanted is not None else None
            except (IdempotencyConflict, NumberTaken) as refused:
                outcomes.append(refused)
                continue
            if earlier is not None:
                outcomes.append(Produced(earlier, None, replayed=True))
                continue
            if position in early:
                outcome = early[position]
            else:
                outcome = rendered(kind, template, numbered(record, claimed))
            if isinstance(outcome, EngineError) and claimed is not None:
                allocation.give_back(claimed)
            if isinstance(outcome, Produced) and record.idempotency_key:
                found[(record.created_by, record.idempotency_key)] = record
            outcomes.append(outcome)
        fresh = [outcome for outcome in outcomes if isinstance(outcome, Produced) and not outcome.replayed]
        records.store_files(self.storage, files_of(done for done in fresh if done.record.file_key is None))
        allocation.register()
        records.insert(session, [done.record for done in fresh])
        return outcomes

    def template(self, kind: Kind) -> Template:
        """The kind's active template as refresh() last saw it, compiled once per content hash (its file is read
        from the storage only the first time a process sees it)."""
        active = self.active.get(kind.id, templates.SHIPPED)
        if active.sha256 is None:
            return kind.template
        return compiled(active.sha256, lambda: self.storage.get(active.file_key))

    def preview(self, kind: Kind, payload: Any) -> Produced:
        """Validate and render with the active template, without numbering or recording (raise Invalid): the
        file, and a record that is not kept, named 预览-… with the warnings. A number left out is printed
        with × for its serial."""
        checked, template, wanted = self._valid(kind, payload)
        if isinstance(wanted, NextNumber):
            wanted = Number(wanted.series, wanted.year, 0, wanted.format(PREVIEW_SERIAL))
        record = new_record(kind, template, payload, checked, "", None, wanted)
        content = render(kind, template, record)
        record.filename = PREVIEW_PREFIX + record.filename
        return Produced(record, content)


def new_record(kind: Kind, template: Template, payload: Any, checked: Checked, created_by: str,
               idempotency_key: str | None, wanted: Wanted) -> records.Record:
    """The record-to-be of a valid payload, naming the exact template (its content hash) that fills it, with its
    number if it is known already (supplied, or reserved for a batch row)."""
    record = records.new_record(
        kind=kind.id,
        template_version=template.sha256,
        data=checked.data,
        warnings=list(checked.warnings),
        format="docx",
        created_by=created_by,
        idempotency_key=idempotency_key,
        request_hash=request_hash(kind.id, payload) if idempotency_key else None,
    )
    return numbered(record, wanted if isinstance(wanted, Number) else None)


def numbered(record: records.Record, claimed: Number | None) -> records.Record:
    """Note a document's number in its record (nothing for None)."""
    if claimed is not None:
        record.number, record.series, record.year, record.serial = (
            claimed.text, claimed.series, claimed.year, claimed.serial)
    return record


def render(kind: Kind, template: Template, record: records.Record) -> bytes:
    """Fill the template with the record's data, its number (if any) in the kind's number field; note the
    file's name, hash and size in the record, and that it is not stored yet (a retried transaction renders
    again)."""
    data = {**record.data, kind.numbering.field: record.number} if record.number else record.data
    content, record.filename = kind.render(data, template)
    record.sha256, record.size = hashlib.sha256(content).hexdigest(), len(content)
    record.file_key = record.file_entry = None
    return content


def rendered(kind: Kind, template: Template, record: records.Record) -> Produced | EngineError:
    """The document rendered into its record (not yet stored), or the template's error (kept as a batch row's
    outcome; a single document renders again in its transaction, raising it unless an earlier document under
    the same idempotency key answers first)."""
    try:
        return Produced(record, render(kind, template, record))
    except EngineError as error:
        return error


def files_of(outcomes: Iterable[Produced | Exception]) -> list[tuple[records.Record, bytes]]:
    """The new records and their files among rendering outcomes."""
    return [(done.record, done.content) for done in outcomes if isinstance(done, Produced)]


def wanted_number(kind: Kind, data: dict) -> Wanted:
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
        """Validate, publish and fill with the profile stored last, and the templates activated last (a change
        applies without restart)."""
        found.refresh()


def services() -> Services:
    """The services of the current app."""
    return current_app.extensions["docgen"]
