"""Runs a batch from the command line: its work goes on the app's queue, a consumer of this machine
makes it, and this process follows the progress and writes the zip as the chunks complete.

The consumer is the one started here, unless another process of this machine (`docgen serve`,
`docgen worker`) holds the worker lock and consumes already; with the immediate queue the work is
done as it is enqueued. The tasks are the queue's own (service.batch.queue): a batch from the
command line is made exactly as one uploaded. The consumer started here has N workers: this
process (a Huey worker run between looks at the progress, which also runs the periodic reaping)
and N - 1 forked processes. Each forked worker opens its own database connections, SQLite writer lock
and file storage (a fork must not share the parent's). A worker that dies is replaced, and the
work it may have held (reading the sheet, a chunk) is given back at once instead of when its lease
runs out.
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from typing import IO

from flask import Flask
from huey import consumer as huey_consumer

from ..documents import open_services
from ..store import batches as store
from ..store.batches import Work
from ..store.db import writing
from ..store.models import Batch
from . import archive
from .consumer import EmbeddedConsumer, worker_lock
from .jobs import Batching, fresh
from .queue import batching, queue

POLL_SECONDS = 0.1  # how often the workers look for work and this process for progress
HEALTH_SECONDS = 1  # how often dead workers are looked for
OWN_SERVICES = "docgen-own-services"


class Workers(EmbeddedConsumer):
    """The consumer of one `docgen batch` run: worker processes that look for work often, forked from
    this one, which works too (`here`) and reaps between its units of work instead of a scheduler.

    Every forked process counts once more in the run's memory (the app's pages it shares count in
    each resident set), so there is no scheduler process; and no scheduler thread either, since a
    worker forked (or re-forked after a crash) while that thread held the queue's connection lock
    would wait for it for ever.
    """

    def __init__(self, app: Flask, count: int, batch_id: str):
        """`count` workers for `app`'s queue, this process one of them; `batch_id` is the run's batch."""
        super().__init__(app, workers=count - 1, worker_type="process", max_delay=POLL_SECONDS)
        self.app, self.batch_id = app, batch_id
        self.huey.on_startup(OWN_SERVICES)(lambda: _own_services(app))
        self.here = self._create_worker()  # its start-up hook is for forked workers: not run here

    def _create_process(self, process: huey_consumer.BaseProcess, name: str):
        """A forked process for each worker; for the scheduler, a thread that only waits for the stop."""
        if not isinstance(process, huey_consumer.Scheduler):
            return super()._create_process(process, name)
        return threading.Thread(target=self.stop_flag.wait, name=name, daemon=True)

    def check_worker_health(self) -> bool:
        """Replace the workers that died (Huey), then give back the batch's open work and enqueue it again:
        what the dead worker held is done now, what a live one holds is done once (the work is leased)."""
        healthy = super().check_worker_health()
        if not healthy:
            with writing(batching(self.app).services.sessions) as session:
                left = store.release(session, self.batch_id)
            for work in left:
                queue(self.app).enqueue(work)
        return healthy


def _own_services(app: Flask) -> None:
    """In a forked worker: the app's services over connections, locks and storage of its own."""
    services = open_services(app.config, app.extensions["docgen"].catalog)
    app.extensions["docgen"] = services
    app.extensions["docgen-batch"] = Batching(services, app.extensions["docgen-batch"].settings)
    gc.freeze()  # what is loaded so far lives as long as the worker: spare the collector going over it


class Run:
    """A batch run from the command line; use as a context manager, which starts and stops the consumer."""

    def __init__(self, app: Flask, batch_id: str, workers: int):
        """Run `batch_id` of `app` with `workers` processes, if this process is the machine's consumer."""
        self.app, self.batch_id, self.workers = app, batch_id, workers
        self.lock: IO | None = None
        self.consumer: Workers | None = None
        self.zipped_up_to = 0

    @property
    def elsewhere(self) -> bool:
        """True when another process of this machine consumes the queue (and so makes this batch)."""
        return self.consumer is None and not queue(self.app).immediate

    def __enter__(self) -> Run:
        if not queue(self.app).immediate:
            self.lock = worker_lock(self.app)
        if self.lock is not None:
            self.consumer = Workers(self.app, self.workers, self.batch_id)
            self.consumer.start()
        return self

    def __exit__(self, *exc_info) -> None:
        if self.consumer is not None:
            self.consumer.stop(graceful=True)
        if self.lock is not None:
            self.lock.close()

    def wait(self, progress: Callable[[int, int], None], zipped: archive.Writer | None = None) -> Batch:
        """Enqueue the batch and wait until it is done or failed: progress(handled, total) as it goes, and
        the documents written to `zipped` (if given) in row order as their chunks complete.
        Ctrl+C stops the consumer; the work left is made by the next one."""
        queue(self.app).enqueue(Work("prepare", self.batch_id))
        checked = reaped = time.monotonic()
        while not self._update(progress, zipped):
            if self.consumer is None:
                time.sleep(POLL_SECONDS)
                continue
            self.consumer.here.loop()  # a unit of work, or a wait of at most POLL_SECONDS for one
            if time.monotonic() - checked > HEALTH_SECONDS:
                self.consumer.check_worker_health()
                checked = time.monotonic()
            if time.monotonic() - reaped > self.consumer.reap_seconds:
                queue(self.app).reap()  # the queue's periodic task
                reaped = time.monotonic()
        return fresh(batching(self.app).services, self.batch_id)

    def _update(self, progress: Callable[[int, int], None], zipped: archive.Writer | None) -> bool:
        """Pass on the rows handled so far; add the documents of the chunks completed since to the zip,
        up to the first chunk still open (the zip is in row order). True once the batch has ended."""
        with batching(self.app).services.sessions() as session:
            batch = store.get_batch(session, self.batch_id)
            done = store.chunk_numbers(session, self.batch_id, done_only=True)
            start = end = self.zipped_up_to
            while end in done:
                end += 1
            if zipped is not None and end > start:
                zipped.add(store.documents_in_order(session, self.batch_id, range(start, end)))
        self.zipped_up_to = end
        progress(batch.produced + batch.failed, batch.total)
        return batch.state in ("done", "failed")
