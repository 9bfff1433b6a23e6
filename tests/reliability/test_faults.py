"""Faults with real components: a full disk, a PostgreSQL restart, a Redis outage mid-batch.

Each test starts what it breaks (a small tmpfs, its own PostgreSQL cluster, its own redis-server,
on free loopback ports) and never touches the machine's own services. The converter killed
mid-conversion is in test_converter.py; a worker killed mid-batch in tests/batch/test_worker.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from service import create_app
from service.store.models import Document
from tests.api.conftest import example
from tests.batch.conftest import certificates

from .servers import Docgen, Postgres, Redis, get, postgres_bin, wait_until

TMPFS_BYTES = 4 * 1024 * 1024


@contextlib.contextmanager
def tmpfs(folder: Path, size: int):
    """A tmpfs of `size` bytes mounted on `folder`; skips where this user cannot mount one."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)],
                             capture_output=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.decode().strip()}); CI runs as root and can")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def fill(folder: Path, leave: int) -> Path:
    """Fill the file system of `folder` up to `leave` free bytes with one file; the file."""
    filler = folder / "filler"
    with open(filler, "wb") as out:
        out.write(b"\0" * max(shutil.disk_usage(folder).free - leave, 0))
    return filler


def stored_files(root: Path) -> set[str]:
    """The files under a storage root."""
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


@pytest.mark.parametrize("full", ["files", "database"])
def test_a_full_disk_is_a_clean_503_and_leaves_no_half_record(tmp_path, full):
    """The files folder, or the SQLite database, on a tiny tmpfs that fills up: each request is a 503 with
    Retry-After, no record and no file is left of it; once space is freed, documents are made again."""
    disk = tmp_path / "disk"
    with tmpfs(disk, TMPFS_BYTES):
        instance = (disk if full == "database" else tmp_path) / "instance"
        files = (disk if full == "files" else tmp_path) / "files"
        app = create_app({"TESTING": True, "INSTANCE_PATH": instance, "STORAGE_URL": f"file://{files}",
                          "RATELIMIT_ENABLED": False, "PROPAGATE_EXCEPTIONS": False})
        app.testing = False  # answer errors as in production instead of raising them into the test
        client = app.test_client()
        assert client.post("/api/v1/documents/certificate", json=example("certificate")).status_code == 201
        before = stored_files(files)
        filler = fill(disk, leave=0)
        answers = [client.post("/api/v1/documents/commendation", json=example("commendation")) for _ in range(3)]
        for answer in answers:
            assert answer.status_code == 503, answer.data[:300]
            assert answer.mimetype == "application/problem+json" and int(answer.headers["Retry-After"]) > 0
            assert "已满" in answer.get_json()["detail"] or "空间不足" in answer.get_json()["detail"]
        filler.unlink()
        assert client.get("/api/v1/documents").get_json()["total"] == 1
        assert stored_files(files) == before
        made = client.post("/api/v1/documents/commendation", json=example("commendation"))
        assert made.status_code == 201
        assert client.get("/api/v1/documents").get_json()["total"] == 2
        app.extensions["docgen"].sessions.kw["bind"].dispose()
