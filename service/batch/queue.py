"""The task queue: Huey on SQLite in the instance folder by default, on Redis for several machines.

DOCGEN_QUEUE_URL picks it: unset for SQLite (instance/queue.sqlite3), redis://host:port/db for
Redis, or immediate: to run each task at once in the enqueuing process (tests, debugging). One
task type carries a unit of work by ids and enqueues what follows. Consumers run with a reaper
thread that re-enqueues work lost with a killed worker. By default exactly one consumer runs per
machine: `docgen worker` and the embedded consumer of `docgen serve` both take the instance
folder's worker lock, and only the process holding it consumes.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from typing import IO

from flask import Flask
from huey import MemoryHuey, RedisHuey, SqliteHuey
from huey.consumer import Consumer

from ..store.batches import Work
from . import jobs

log = logging.getLogger(__name__)
TASK_NAME = "docgen.batch.work"
LOCK_FILE = "worker.lock"


class Queue:
    """Enqueues batch work on Huey; its one task performs a unit and enqueues what follows."""

    def __init__(self, app: Flask):
        """Build the Huey instance the config names and register the task, bound to `app`."""
        self.app = app
        self.huey = make_huey(app)

        @self.huey.task(name=TASK_NAME)
        def work(step: str, batch_id: str, seq: int | None) -> None:
            """Perform one unit of work inside the app, then enqueue what follows it."""
            with app.app_context():
                for follow in jobs.perform(batching(app), Work(step, batch_id, seq)):
                    self.enqueue(follow)

        self._task = work

    def enqueue(self, work: Work) -> None:
        """Put a unit of work on the queue (ids only)."""
        self._task(*work)

    def reap(self) -> None:
        """Enqueue again the work whose worker died or whose message was lost."""
        with self.app.app_context():
            for work in jobs.reap(batching(self.app)):
                log.info("re-enqueuing %s of batch %s", work.step, work.batch_id)
                self.enqueue(work)


def make_huey(app: Flask):
    """The Huey instance for the configured queue URL."""
    url, name = app.config.get("QUEUE_URL"), app.config["QUEUE_NAME"]
    if not url:
        return SqliteHuey(name, filename=os.path.join(app.instance_path, "queue.sqlite3"), results=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, results=False)
    if url == "immediate:":
        return MemoryHuey(name, immediate=True, results=False)
    raise ValueError(f"unsupported DOCGEN_QUEUE_URL {url!r}: leave it unset, or use redis://… or immediate:")


def batching(app: Flask) -> jobs.Batching:
    """The app's batch services and settings."""
    return app.extensions["docgen-batch"]


def queue(app: Flask) -> Queue:
    """The app's queue."""
    return app.extensions["docgen-queue"]


class Reaper(threading.Thread):
    """Every few seconds, re-enqueues lost work; runs beside each consumer."""

    def __init__(self, queue: Queue, interval: float):
        """A daemon thread reaping `queue` every `interval` seconds."""
        super().__init__(name="docgen-reaper", daemon=True)
        self.queue, self.interval, self.stopping = queue, interval, threading.Event()

    def run(self) -> None:
        """Reap now and then until stopped; a failing round is logged and retried later."""
        while True:
            try:
                self.queue.reap()
            except Exception:  # the database or the queue may be briefly away
                log.exception("reaping failed")
            if self.stopping.wait(self.interval):
                return


class EmbeddedConsumer(Consumer):
    """A Huey consumer running as threads inside another process: no signal handlers of its own."""

    def _set_signal_handlers(self) -> None:
        """Leave the host process's signals alone."""


def worker_lock(app: Flask) -> IO | None:
    """Take this machine's (instance folder's) worker lock; None if another process holds it."""
    handle = open(os.path.join(app.instance_path, LOCK_FILE), "a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def consumer(app: Flask, consumer_class: type[Consumer] = Consumer) -> Consumer:
    """A consumer of the app's queue, with its reaper started."""
    found = queue(app)
    Reaper(found, float(app.config["BATCH_REAP_SECONDS"])).start()
    return consumer_class(found.huey, workers=int(app.config["WORKER_THREADS"]), worker_type="thread", periodic=False)


def start_embedded(app: Flask) -> bool:
    """Start a consumer in this process if embedded workers are on and no other holds the lock."""
    if not app.config["EMBEDDED_WORKER"] or app.config.get("QUEUE_URL") == "immediate:":
        return False
    lock = worker_lock(app)
    if lock is None:
        return False
    app.extensions["docgen-worker"] = (lock, consumer(app, EmbeddedConsumer))
    app.extensions["docgen-worker"][1].start()
    return True
