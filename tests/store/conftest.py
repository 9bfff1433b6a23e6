"""Store fixtures: local file storage and a helper that records documents with the store's steps."""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import pytest
from sqlalchemy.orm import Session

from service.store import records
from service.store.db import writing
from service.store.files import LocalStorage, Storage
from service.store.models import Document
from service.store.numbering import Number, NumberSource, claim
from service.store.records import NewDocument, Rendered


class Saved(NamedTuple):
    """A document recorded by create_document; `replayed` is True when an earlier record was returned."""

    document: Document | records.Record
    replayed: bool


def create_document(session: Session, storage: Storage, new: NewDocument,
                    render: Callable[[Number | None], Rendered], number: NumberSource | None = None) -> Saved:
    """The store's steps for one document, as service.documents.produce takes them: an earlier record under
    the same idempotency key, else claim the number, render, store the file and insert the record."""
    for attempt in records.attempts(session):
        with attempt:
            earlier = records.earlier(session, new)
            if earlier is None:
                claimed = claim(session, number)
                rendered = render(claimed)
                record = records.new_record(new, rendered, claimed)
                records.store_files(storage, [(record, rendered.content)])
                records.insert(session, [record])
    return Saved(earlier, True) if earlier is not None else Saved(record, False)


MakeDocument = Callable[..., Saved]


def render(number: Number | None) -> Rendered:
    """A stand-in renderer whose bytes and name depend on the number, like the real one."""
    text = number.text if number else "无文号"
    return Rendered(f"<w:document>{text}</w:document>".encode(), f"{text}关于印发制度的通知.docx")


@pytest.fixture
def files(tmp_path) -> LocalStorage:
    """Local file storage in the test's directory."""
    return LocalStorage(tmp_path / "files")


@pytest.fixture
def make_document(sessions, files) -> MakeDocument:
    """Record a document in its own write transaction; keyword arguments override NewDocument fields."""

    def make(number: NumberSource | None = None, renderer=render, **fields) -> Saved:
        """Create one document with sensible defaults."""
        defaults = dict(kind="policy", template_version="ab" * 32, data={"title": "员工行为准则"},
                        format="docx", created_by="key:hr-system")
        with writing(sessions) as session:
            return create_document(session, files, NewDocument(**(defaults | fields)), renderer, number)

    return make
