"""Faults with real components: a full disk, a PostgreSQL restart, a Redis outage mid-batch.

Each test starts what it breaks (a small tmpfs, its own PostgreSQL cluster, its own redis-server,
on free loopback ports) and never touches the machine's own services. The converter killed
mid-conversion is in test_converter.py; a worker killed mid-batch in tests/batch/test_worker.py.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import threading
import time
import urllib.error
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


@pytest.fixture
def postgres():
    """A PostgreSQL cluster of our own, started, on a free loopback port."""
    if postgres_bin() is None:
        pytest.skip("needs PostgreSQL's server programs (apt-get install postgresql); CI installs them")
    cluster = Postgres()
    cluster.start()
    yield cluster
    cluster.remove()


def post(port: int, path: str, body, timeout: float = 30) -> tuple[int, dict]:
    """POST JSON to the server: status and headers (errors are answers too)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, dict(answer.headers) | {"body": answer.read()}
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers) | {"body": error.read()}


def test_a_postgresql_restart_is_a_clean_503_and_heals_without_restarting_docgen(tmp_path, postgres):
    """Certificates posted in a loop while PostgreSQL stops and starts again: each answer is 201, or 503 with
    Retry-After; once it is back every request succeeds; the database holds exactly the 201s."""
    with Docgen(tmp_path / "instance", DATABASE_URL=postgres.url) as server:
        server_port = server.port
        answers: list[tuple[float, int, dict]] = []
        stop = threading.Event()

        def client() -> None:
            """Post until told to stop."""
            while not stop.is_set():
                status, headers = post(server_port, "/api/v1/documents/certificate", example("certificate") | {"number": None})
                answers.append((time.monotonic(), status, headers))

        thread = threading.Thread(target=client)
        thread.start()
        time.sleep(2)
        postgres.stop("fast")
        down = time.monotonic()
        time.sleep(3)
        ready_while_down = get(server_port, "/readyz")[0]
        postgres.start()
        up = time.monotonic()
        time.sleep(4)
        stop.set()
        thread.join()
    statuses = [status for _, status, _ in answers]
    assert set(statuses) <= {201, 503}, statuses
    refused = [headers for _, status, headers in answers if status == 503]
    assert refused and all(int(h["Retry-After"]) > 0 and h["Content-Type"] == "application/problem+json" for h in refused)
    after = [status for at, status, _ in answers if at > up + 1]
    assert after and set(after) == {201}
    assert ready_while_down == 503
    engine = create_engine(postgres.url)
    with engine.connect() as connection:
        recorded = connection.scalar(select(func.count()).select_from(Document))
    engine.dispose()
    assert recorded == statuses.count(201)
    first_ok = min(at for at, status, _ in answers if at > up and status == 201)
    print(f"PostgreSQL restart: {len(answers)} requests, {statuses.count(201)} × 201, {len(refused)} × 503 "
          f"(Retry-After), down {up - down:.1f} s, first 201 {first_ok - up:.2f} s after the restart")


@pytest.fixture
def redis(tmp_path):
    """A redis-server of our own with an append-only file, started, on a free loopback port."""
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server (apt-get install redis-server); CI installs it")
    server = Redis(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


BATCH_ROWS = 3000


def test_a_redis_outage_mid_batch_resumes_with_no_row_lost_or_doubled(tmp_path, redis):
    """Redis killed while a 3,000-row batch runs, back 3 s later: the batch ends done, each row made once,
    the certificates numbered 1–3,000 without a gap or a repeat."""
    settings = {"DOCGEN_QUEUE_URL": redis.url, "DOCGEN_BATCH_CHUNK_SIZE": "100", "DOCGEN_BATCH_LEASE_SECONDS": "5",
                "DOCGEN_BATCH_GRACE_SECONDS": "5", "DOCGEN_BATCH_REAP_SECONDS": "1"}
    instance = tmp_path / "instance"
    with Docgen(instance, **settings) as server:
        status, headers = post(server.port, "/api/v1/batches/certificate", certificates(BATCH_ROWS, number=None))
        assert status == 202
        batch = json.loads(headers["body"])
        wait_until(lambda: json.loads(get(server.port, batch["links"]["self"])[1])["done"] > 0, "the first chunk")
        redis.stop()
        stopped = time.monotonic()
        progress = json.loads(get(server.port, batch["links"]["self"])[1])
        time.sleep(3)
        redis.start()
        wait_until(lambda: json.loads(get(server.port, batch["links"]["self"])[1])["state"] in ("done", "failed"),
                   "the batch's end", seconds=120)
        ended = json.loads(get(server.port, batch["links"]["self"])[1])
        took = time.monotonic() - stopped
    assert progress["state"] != "done", "the batch ended before the outage: make it larger"
    assert (ended["state"], ended["done"], ended["failed"]) == ("done", BATCH_ROWS, 0), ended
    engine = create_engine(f"sqlite:///{instance / 'docgen.sqlite3'}")
    with engine.connect() as connection:
        serials = list(connection.scalars(select(Document.serial).where(Document.kind == "certificate")))
    engine.dispose()
    assert sorted(serials) == list(range(1, BATCH_ROWS + 1))
    print(f"Redis outage mid-batch: {progress['done']} of {BATCH_ROWS} rows made when Redis was killed; "
          f"done {took:.1f} s later, {len(serials)} documents, serials 1–{BATCH_ROWS} once each")


def test_a_batch_sent_while_redis_is_down_is_a_503_and_can_simply_be_sent_again(tmp_path, redis):
    """The queue away when a batch arrives: 503 with Retry-After, the batch recorded as failed (never started
    later behind the caller's back); sent again once Redis is back, it is made once."""
    rows = certificates(30, number=None)
    reaping = {"DOCGEN_BATCH_GRACE_SECONDS": "1", "DOCGEN_BATCH_REAP_SECONDS": "0.5"}  # lost work re-sent at once
    with Docgen(tmp_path / "instance", DOCGEN_QUEUE_URL=redis.url, **reaping) as server:
        redis.stop()
        status, headers = post(server.port, "/api/v1/batches/certificate", rows)
        assert status == 503 and int(headers["Retry-After"]) > 0, headers["body"]
        redis.start()
        status, headers = post(server.port, "/api/v1/batches/certificate", rows)
        assert status == 202
        batch = json.loads(headers["body"])
        wait_until(lambda: json.loads(get(server.port, batch["links"]["self"])[1])["state"] == "done", "the batch's end")
        time.sleep(3)  # a refused batch that the reaper started behind the caller's back would show by now
        assert json.loads(get(server.port, "/api/v1/documents?kind=certificate")[1])["total"] == len(rows)
