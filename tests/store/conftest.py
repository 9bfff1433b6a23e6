"""Store fixtures: local file storage and a helper that records documents."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from service.store.db import writing
from service.store.records import NewDocument, Rendered, Saved, create_document
from service.store.files import LocalStorage
from service.store.numbering import Number, NumberSource

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
