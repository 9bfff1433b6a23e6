"""Consumers of the task queue: `docgen worker`, the one embedded in a `docgen serve` process, and
the one a `docgen batch` run starts (service.batch.local).

All are Huey consumers running the queue's two tasks (service.batch.queue): the work, and the
periodic reaping, which their scheduler enqueues every BATCH_REAP_SECONDS. By default exactly one
consumer runs per machine: each takes the instance folder's worker lock, and only the process
holding it consumes.
"""

from __future__ import annotations

import fcntl
import os
from typing import IO

from flask import Flask
from huey import consumer as huey_consumer

from .queue import queue

LOCK_FILE = "worker.lock"


class Consumer(huey_consumer.Consumer):
    """A Huey consumer of the app's queue whose scheduler enqueues the periodic tasks every
    BATCH_REAP_SECONDS (Huey's own scheduler does so once a minute)."""

    def __init__(self, app: Flask, **options):
        """A consumer of `app`'s queue; `options` are Huey's (workers, worker_type, max_delay…)."""
        self.reap_seconds = float(app.config["BATCH_REAP_SECONDS"])
        super().__init__(queue(app).huey, periodic=True, **options)

    def _create_scheduler(self) -> huey_consumer.Scheduler:
        """Huey's scheduler, looking for periodic tasks every BATCH_REAP_SECONDS (at least every second, its tick)."""
        scheduler = super()._create_scheduler()
        scheduler.periodic_task_seconds = self.reap_seconds
        return scheduler


class EmbeddedConsumer(Consumer):
    """A consumer running inside another process (`docgen serve`, `docgen batch`): no signal handlers of its own."""

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
    """A consumer of the app's queue with DOCGEN_WORKER_THREADS threads."""
    return consumer_class(app, workers=int(app.config["WORKER_THREADS"]), worker_type="thread")


def start_embedded(app: Flask) -> bool:
    """Start a consumer in this process if embedded workers are on and no other holds the lock."""
    if not app.config["EMBEDDED_WORKER"] or queue(app).immediate:
        return False
    lock = worker_lock(app)
    if lock is None:
        return False
    app.extensions["docgen-worker"] = (lock, consumer(app, EmbeddedConsumer))
    app.extensions["docgen-worker"][1].start()
    return True
