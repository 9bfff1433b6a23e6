"""Store fixtures: local file storage and a helper that records documents with the store's steps."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import NamedTuple

import pytest
from sqlalchemy.orm import Session

from service.documents import numbered
from service.store import records
from service.store.db import writing
from service.store.files import LocalStorage, Storage
from service.store.models import Document
from service.store.numbering import NextNumber, Number, claim


class Saved(NamedTuple):
    """A document recorded by create_document; `replayed` is True when an earlier record was returned."""

    document: Document | records.Record
    replayed: bool


def create_document(session: Session, storage: Storage, record: records.Record,
                    render: Callable[[records.Record], bytes], wanted: Number | NextNumber | None = None) -> Saved:
    """The store's steps for one document, as service.documents.produce takes them: an earlier record under
    the same idempotency key, else claim the number, render, store the file and insert the record."""
    for attempt in records.attempts(session):
        with attempt:
            earlier = records.earlier(session, record)
            if earlier is None:
                content = render(numbered(record, claim(session, wanted)))
                records.store_files(storage, [(record, content)])
                records.insert(session, [record])
    return Saved(earlier, True) if earlier is not None else Saved(record, False)


MakeDocument = Callable[..., Saved]


def render(record: records.Record) -> bytes:
    """A stand-in renderer whose bytes and name depend on the number, noting them in the record like the real one."""
    text = record.number or "无文号"
    content = f"<w:document>{text}</w:document>".encode()
    record.filename = f"{text}关于印发制度的通知.docx"
    record.sha256, record.size = hashlib.sha256(content).hexdigest(), len(content)
    return content


@pytest.fixture
def files(tmp_path) -> LocalStorage:
    """Local file storage in the test's directory."""
    return LocalStorage(tmp_path / "files")


@pytest.fixture
def make_document(sessions, files) -> MakeDocument:
    """Record a document in its own write transaction; keyword arguments override the record's columns."""

    def make(wanted: Number | NextNumber | None = None, renderer=render, **columns) -> Saved:
        """Create one document with sensible defaults."""
        defaults = dict(kind="policy", template_version="ab" * 32, data={"title": "员工行为准则"}, warnings=[],
                        format="docx", created_by="key:hr-system")
        with writing(sessions) as session:
            return create_document(session, files, records.new_record(**(defaults | columns)), renderer, wanted)

    return make
