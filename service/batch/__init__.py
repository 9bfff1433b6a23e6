"""Batch generation: workbooks in and out, jobs on the task queue, archives and error reports."""

from __future__ import annotations

from flask import Flask

def init_app(app: Flask) -> None:
    """The steps' services and settings (defaults in service/config.py) and the task queue."""
    from .jobs import Batching, Settings  # imported here: the upload check alone needs none of it
    from .queue import Queue

    app.extensions["docgen-batch"] = Batching(app.extensions["docgen"], Settings.from_config(app.config))
    app.extensions["docgen-queue"] = Queue(app)
