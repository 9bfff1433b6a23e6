"""Consumers of the task queue: `docgen worker`, and the one embedded in a `docgen serve` process.

Consumers run with a reaper thread that re-enqueues work lost with a killed worker. By default
exactly one consumer runs per machine: `docgen worker` and the embedded consumer of `docgen serve`
both take the instance folder's worker lock, and only the process holding it consumes.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from typing import IO

from flask import Flask
from huey.consumer import Consumer

from .queue import Queue, queue

log = logging.getLogger(__name__)
LOCK_FILE = "worker.lock"


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
