"""Batch generation: workbooks in and out, jobs on the task queue, archives and error reports."""

from __future__ import annotations

from flask import Flask

DEFAULTS = {
    "QUEUE_URL": None,
    "QUEUE_NAME": "docgen",
    "BATCH_CHUNK_SIZE": 500,  # rows: fewer, larger chunks cost fewer transactions and writes
    "BATCH_LEASE_SECONDS": 300,
    "BATCH_GRACE_SECONDS": 600,
    "BATCH_REAP_SECONDS": 30,
    "BATCH_MAX_ATTEMPTS": 5,
    "BATCH_MAX_DOCUMENTS": 20_000,
    "WEBHOOK_HOSTS": [],
    "WEBHOOK_TIMEOUT": 10,
    "EMBEDDED_WORKER": True,
    "WORKER_THREADS": 1,
}


def init_app(app: Flask) -> None:
    """Batch settings (DOCGEN_* overrides kept), the steps' services and the task queue."""
    from .jobs import Batching, Settings  # imported here: the upload check alone needs none of it
    from .queue import Queue

    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    app.extensions["docgen-batch"] = Batching(app.extensions["docgen"], Settings.from_config(app.config))
    app.extensions["docgen-queue"] = Queue(app)
