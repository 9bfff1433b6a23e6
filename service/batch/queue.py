"""The task queue: Huey on SQLite in the instance folder by default, on Redis for several machines.

DOCGEN_QUEUE_URL picks it: unset for SQLite (instance/queue.sqlite3), redis://host:port/db for
Redis, or immediate: to run each task at once in the enqueuing process (tests, debugging). Two
tasks: one carries a unit of work by ids and enqueues what follows; a periodic one re-enqueues
work whose lease ran out (a killed worker's, or a lost message's). Every consumer runs both, the
same functions: `docgen worker`, the one embedded in `docgen serve` and the one a `docgen batch`
run starts (service.batch.consumer, service.batch.local). The Huey instance is built on first
use, so processes that never enqueue do not import Huey and its Redis and PostgreSQL clients.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from flask import Flask

from ..store.batches import Work
from ..store.db import private_file
from . import jobs

if TYPE_CHECKING:
    from huey import Huey

log = logging.getLogger(__name__)
TASK_NAME = "docgen.batch.work"
REAP_TASK_NAME = "docgen.batch.reap"


class Queue:
    """Enqueues batch work on Huey; its one task performs a unit and enqueues what follows."""

    def __init__(self, app: Flask):
        """A queue bound to `app`; the Huey instance the config names is built on first use."""
        self.app = app
        self._built: tuple[Huey, Callable[..., object]] | None = None
        self._lock = threading.Lock()

    def _build(self) -> tuple[Huey, Callable[..., object]]:
        """The Huey instance with its two tasks registered, built the first time; and the work task."""
        with self._lock:
            if self._built is None:
                huey = make_huey(self.app)
                huey.periodic_task(_every_time, name=REAP_TASK_NAME)(self.reap)
                self._built = huey, huey.task(name=TASK_NAME)(self._work)
            return self._built

    @property
    def immediate(self) -> bool:
        """True when tasks run at once in the enqueuing process (no consumer needed)."""
        return self.app.config.get("QUEUE_URL") == "immediate:"

    @property
    def huey(self) -> Huey:
        """The Huey instance, with the task registered."""
        return self._build()[0]

    def _work(self, step: str, batch_id: str, seq: int | None) -> None:
        """The task: perform one unit of work inside the app, then enqueue what follows it."""
        with self.app.app_context():
            jobs.perform(batching(self.app), Work(step, batch_id, seq), self.enqueue)

    def enqueue(self, work: Work) -> None:
        """Put a unit of work on the queue (ids only)."""
        self._build()[1](*work)

    def reap(self) -> None:
        """The periodic task: enqueue again the work whose worker died or whose message was lost."""
        with self.app.app_context():
            for work in jobs.reap(batching(self.app)):
                log.info("re-enqueuing %s of batch %s", work.step, work.batch_id)
                self.enqueue(work)


def _every_time(_timestamp: object) -> bool:
    """The reaping's schedule: each time a consumer's scheduler looks (every BATCH_REAP_SECONDS, see consumer.py)."""
    return True


def make_huey(app: Flask) -> Huey:
    """The Huey instance for the configured queue URL."""
    from huey import MemoryHuey, RedisHuey, SqliteHuey  # slow to import: only on first use of the queue

    url, name = app.config.get("QUEUE_URL"), app.config["QUEUE_NAME"]
    if not url:
        return SqliteHuey(name, filename=private_file(os.path.join(app.instance_path, "queue.sqlite3")), results=False)
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
