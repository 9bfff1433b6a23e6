"""A real `docgen worker`, killed with SIGKILL mid-chunk and restarted, finishes the batch exactly once.

Runs on the embedded queue (SQLite in the instance folder) and, when TEST_REDIS_URL is set, on Redis.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service import create_app
from service.batch import consumer, jobs, queue
from service.store.batches import Work
from service.store.models import Batch, BatchChunk, BatchRow, Document, utcnow

from .conftest import certificates, kind

ROWS = 600
REDIS_REASON = "Redis tests need TEST_REDIS_URL=redis://127.0.0.1:6379/15"
DOCGEN = str(Path(sys.executable).with_name("docgen"))


@pytest.fixture(params=["sqlite", "redis"])
def worker_env(request, tmp_path, monkeypatch) -> dict[str, str]:
    """Environment of the test's app and its workers: short leases, small chunks, own queue."""
    env = {"DOCGEN_INSTANCE_PATH": str(tmp_path / "instance"), "DOCGEN_BATCH_LEASE_SECONDS": "2",
           "DOCGEN_BATCH_REAP_SECONDS": "0.5", "DOCGEN_BATCH_CHUNK_SIZE": "20",
           "DOCGEN_QUEUE_NAME": f"docgen-test-{uuid.uuid4().hex[:8]}"}
    if request.param == "redis":
        env["DOCGEN_QUEUE_URL"] = os.environ.get("TEST_REDIS_URL") or pytest.skip(REDIS_REASON)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    yield {**os.environ, **env}
    queue.queue(create_app()).huey.flush()


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start `docgen worker` with its output in a file."""
    return subprocess.Popen([DOCGEN, "worker"], env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def snapshot(app, batch_id: str) -> tuple[Batch, int]:
    """The batch and how many of its chunks a worker holds right now."""
    with app.extensions["docgen"].sessions() as session:
        batch = session.get(Batch, batch_id)
        held = session.scalar(select(func.count()).select_from(BatchChunk).where(
            BatchChunk.batch_id == batch_id, BatchChunk.done.is_(False), BatchChunk.leased_until > utcnow()))
    return batch, held


def kill_mid_chunk(worker: subprocess.Popen, app, batch_id: str) -> Batch:
    """Freeze the worker while it holds a chunk after some rows are done, then SIGKILL it."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        batch, _ = snapshot(app, batch_id)
        if batch.produced > 0:
            os.kill(worker.pid, signal.SIGSTOP)
            batch, held = snapshot(app, batch_id)
            if held and batch.state == "running":
                os.kill(worker.pid, signal.SIGKILL)
                worker.wait()
                return batch
            os.kill(worker.pid, signal.SIGCONT)
        time.sleep(0.002)
    raise AssertionError("the worker was never caught holding a chunk mid-batch")


def wait_done(app, batch_id: str, seconds: float = 120) -> Batch:
    """Wait for the batch to finish."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        batch, _ = snapshot(app, batch_id)
        if batch.state == "done":
            return batch
        time.sleep(0.1)
    raise AssertionError(f"batch still {batch.state} after {seconds} s")


def test_killed_worker_restarts_and_every_row_has_exactly_one_document(worker_env, tmp_path):
    """600 certificates: SIGKILL while a chunk is half made, restart; 600 documents, 600 numbers, none twice."""
    app = create_app()
    with app.app_context():
        batch = jobs.create(queue.batching(app), kind("certificate"), "json", json.dumps(certificates(ROWS)).encode(), "key:hr")
        queue.queue(app).enqueue(Work("prepare", batch.id))
    log = tmp_path / "worker.log"
    killed = kill_mid_chunk(start_worker(worker_env, log), app, batch.id)
    assert 0 < killed.produced < ROWS
    restarted = start_worker(worker_env, log)
    try:
        done = wait_done(app, batch.id)
    finally:
        restarted.send_signal(signal.SIGINT)
        restarted.wait(timeout=30)
    assert (done.total, done.produced, done.failed) == (ROWS, ROWS, 0)
    with app.extensions["docgen"].sessions() as session:
        rows = session.execute(select(BatchRow.row, BatchRow.document_id).where(BatchRow.batch_id == batch.id)).all()
        made = session.execute(select(Document.idempotency_key, Document.serial).where(
            Document.idempotency_key.like(f"batch:{batch.id}:%"))).all()
        retried = session.scalar(select(func.max(BatchChunk.attempts)).where(BatchChunk.batch_id == batch.id))
    assert sorted(row for row, _ in rows) == list(range(1, ROWS + 1))
    assert len({document for _, document in rows}) == ROWS and None not in {d for _, d in rows}
    assert len(made) == ROWS and {key for key, _ in made} == {jobs.row_key(batch.id, n) for n in range(1, ROWS + 1)}
    assert sorted(serial for _, serial in made) == list(range(1, ROWS + 1))
    assert retried >= 2, log.read_text()


def test_lost_work_is_re_enqueued_by_the_consumers_periodic_task(tmp_path):
    """A chunk whose message was lost is re-enqueued by Huey's periodic task (every BATCH_REAP_SECONDS,
    not Huey's once a minute), run by the consumer itself: no thread of docgen's own beside it."""
    app = create_app({"INSTANCE_PATH": tmp_path / "instance", "BATCH_CHUNK_SIZE": 2, "BATCH_GRACE_SECONDS": 2,
                      "BATCH_REAP_SECONDS": 1, "RATELIMIT_ENABLED": False})
    lost: list[Work] = []
    with app.app_context():
        batching = queue.batching(app)
        batch = jobs.create(batching, kind("certificate"), "json", json.dumps(certificates(5)).encode(), "key:hr")
        jobs.prepare(batching, batch.id, lost.append)  # the chunks are recorded, their messages never sent
    assert lost == [Work("chunk", batch.id, seq) for seq in range(3)]
    huey = queue.queue(app).huey
    assert [task.name for task in huey._registry.periodic_tasks] == [queue.REAP_TASK_NAME]
    threads = {thread.name for thread in threading.enumerate()}
    worker = consumer.consumer(app, consumer.EmbeddedConsumer)
    worker.start()
    try:
        done = wait_done(app, batch.id, seconds=30)  # Huey's own schedule would reap a minute after the start
    finally:
        worker.stop(graceful=True)
    assert (done.produced, done.failed) == (5, 0)
    started = {thread.name for thread in threading.enumerate()} - threads
    assert not any("reap" in name.lower() for name in started), started
