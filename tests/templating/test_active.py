"""The active template is looked up per document: an activated version is used at once, a rollback too."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import event

from service import create_app
from service.store import templates
from service.store.db import writing

from .conftest import edited, shipped, text_of

EXAMPLE = json.loads((Path(__file__).resolve().parents[2] / "examples" / "policy.json").read_text("utf-8"))
del EXAMPLE["number"]  # allocated, so that every document gets its own
VARIANT = edited(shipped("policy"), ("{{ issuer_mark }}", "某某党委文件"))


@pytest.fixture
def app(tmp_path):
    """The application on its own instance folder (SQLite, local files)."""
    return create_app({"TESTING": True, "INSTANCE_PATH": tmp_path / "instance"})


def switch(app, data: bytes | None) -> None:
    """Upload `data` as a version and activate it (None: go back to the shipped template)."""
    services = app.extensions["docgen"]
    with writing(services.sessions) as session:
        chosen = None
        if data is not None:
            chosen = templates.add_version(session, services.storage, "policy", data, filename="制度.docx", note="",
                                           warnings=[], uploaded_by="test")
        templates.activate(session, "policy", chosen, "test")


def produce(app) -> tuple[str, str]:
    """Make a policy; its text and the template version its record names."""
    services = app.extensions["docgen"]
    made = services.produce(services.catalog.get("policy"), EXAMPLE, "test")
    return text_of(made.content), made.record.template_version


def test_next_document_uses_the_activated_version_and_the_shipped_one_after_rollback(app):
    """Each document names the exact bytes that filled it."""
    text, version = produce(app)
    assert "某某党委文件" not in text and version == hashlib.sha256(shipped("policy")).hexdigest()
    switch(app, VARIANT)
    text, version = produce(app)
    assert "某某党委文件" in text and version == hashlib.sha256(VARIANT).hexdigest()
    switch(app, None)
    text, version = produce(app)
    assert "某某党委文件" not in text and version == hashlib.sha256(shipped("policy")).hexdigest()


def test_another_process_reads_the_version_from_the_shared_store(app, tmp_path):
    """A second app on the same database and files (another worker) uses the version without restart."""
    other = create_app({"TESTING": True, "INSTANCE_PATH": tmp_path / "instance"})
    assert "某某党委文件" not in produce(other)[0]
    switch(app, VARIANT)
    assert "某某党委文件" in produce(other)[0]


def test_a_request_reads_the_profile_and_the_templates_once_and_the_next_sees_an_activation(app):
    """One read of what an administrator changes per HTTP request, however many steps want it; an activation
    made meanwhile (here by another process's store) is used by the next request."""
    reads: list[str] = []
    event.listen(app.extensions["docgen"].sessions.kw["bind"], "before_cursor_execute",
                 lambda *call: reads.append(call[2]) if "template_activations" in call[2] else None)
    client = app.test_client()

    def post() -> str:
        """Make a policy over HTTP; its text."""
        response = client.post("/api/v1/documents/policy", json=EXAMPLE)
        assert response.status_code == 201, response.get_json()
        return text_of(response.data)

    assert "某某党委文件" not in post()
    assert len(reads) == 2  # the check, and the first load of the active templates
    switch(app, VARIANT)
    reads.clear()
    assert "某某党委文件" in post()
    assert len(reads) == 2  # the check saw the activation, so the active templates were loaded again
    reads.clear()
    post()
    assert len(reads) == 1
