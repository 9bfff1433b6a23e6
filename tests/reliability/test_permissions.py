"""The instance folder's files hold documents' data and key hashes: readable by the service's user only."""

from __future__ import annotations

import os
import stat

import pytest

from service import create_app
from service.store.db import writing
from service.store.keys import create_key
from tests.api.conftest import example
from tests.batch.conftest import certificates


@pytest.fixture
def shared_umask():
    """The usual umask 022, under which files are made readable by all unless made otherwise."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_every_file_and_folder_of_the_instance_is_private(tmp_path, shared_umask):
    """After a document, a key and a queued batch: the SQLite file and its -wal and -shm, the queue, the
    files folder, its sub-folders and files, the secret key: none readable or writable by group or others."""
    instance = tmp_path / "instance"
    app = create_app({"TESTING": True, "INSTANCE_PATH": instance, "RATELIMIT_ENABLED": False})
    with writing(app.extensions["docgen"].sessions) as session:
        token = create_key(session, "hr-system", ["render", "read"])[1]
    client = app.test_client()
    headers = {"X-API-Key": token}
    assert client.post("/api/v1/documents/certificate", json=example("certificate"), headers=headers).status_code == 201
    assert client.post("/api/v1/batches/certificate", json=certificates(2), headers=headers).status_code == 202
    found = {path.relative_to(instance).as_posix(): stat.S_IMODE(path.stat().st_mode) for path in instance.rglob("*")}
    found["."] = stat.S_IMODE(instance.stat().st_mode)
    for name in ("docgen.sqlite3", "docgen.sqlite3-wal", "docgen.sqlite3-shm", "queue.sqlite3", "files", "secret_key"):
        assert name in found, sorted(found)
    assert any(name.startswith("files/documents/") for name in found)
    shared = {name: oct(mode) for name, mode in found.items() if mode & 0o077}
    assert not shared
