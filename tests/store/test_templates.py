"""Template versions: stored by content, numbered per kind, activated and rolled back on each backend."""

from __future__ import annotations

import pytest

from service.store import templates
from service.store.db import writing


def upload(sessions, files, data: bytes, kind: str = "policy"):
    """Record one version in its own write transaction."""
    with writing(sessions) as session:
        return templates.add_version(session, files, kind, data, filename="制度.docx", note="改红头",
                                     warnings=[], uploaded_by="key:admin")


def activate(sessions, kind: str, seq: int | None):
    """Activate version `seq` of the kind (None: the shipped template)."""
    with writing(sessions) as session:
        chosen = templates.version(session, kind, seq) if seq else None
        templates.activate(session, kind, chosen, "key:admin")


def test_versions_are_numbered_per_kind_and_stored_by_content(sessions, files):
    """The first upload of a kind is version 1; its bytes sit in the storage under their hash."""
    first, second = upload(sessions, files, b"one"), upload(sessions, files, b"two")
    other = upload(sessions, files, b"one", kind="certificate")
    assert (first.seq, second.seq, other.seq) == (1, 2, 1)
    assert files.get(second.file_key) == b"two"
    assert second.file_key == f"templates/policy/{second.sha256}.docx"
    with sessions() as session:
        assert [v.seq for v in templates.versions(session, "policy")] == [2, 1]


def test_the_same_bytes_twice_are_refused_naming_the_version(sessions, files):
    """Uploading identical content again names the version that already has it and adds nothing."""
    upload(sessions, files, b"one")
    with pytest.raises(templates.DuplicateVersion) as refused:
        upload(sessions, files, b"one")
    assert refused.value.seq == 1
    with sessions() as session:
        assert len(templates.versions(session, "policy")) == 1


def test_an_upload_is_not_active_until_activated(sessions, files):
    """The shipped template stays in use after an upload; activation switches, per kind."""
    made = upload(sessions, files, b"one")
    with sessions() as session:
        assert templates.active(session.connection()) == {}
    activate(sessions, "policy", 1)
    with sessions() as session:
        assert templates.active(session.connection()) == {"policy": templates.Active(made.sha256, made.file_key)}
        assert templates.active_version(session, "policy").seq == 1


def test_previous_is_the_version_active_before_the_current_one(sessions, files):
    """Rollback's default target: v2 after v3, the shipped template after the first activation."""
    for data in (b"one", b"two", b"three"):
        upload(sessions, files, data)
    activate(sessions, "policy", 1)
    with sessions() as session:
        assert templates.previous(session, "policy") is None
    activate(sessions, "policy", 2)
    activate(sessions, "policy", 3)
    with sessions() as session:
        assert templates.previous(session, "policy").seq == 2
    activate(sessions, "policy", None)
    with sessions() as session:
        assert "policy" not in templates.active(session.connection())
        assert templates.previous(session, "policy").seq == 3
