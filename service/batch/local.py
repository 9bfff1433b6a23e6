"""Runs a batch from the command line: prepared here, its chunks made here and in helper processes.

Chunks are handed to the helpers as soon as they are read, so the helpers render while this
process reads the rest of the sheet; once it has, this process makes the chunks not yet taken
and writes the zip as they complete. Chunks are leased in the store, so whoever reaches a chunk
already taken moves on. Helpers are started before the app: forked when this process has no
other thread (as in a `docgen batch` run), so they start at once with the modules already
imported and no database connection to share; spawned otherwise, since a fork copies locks
other threads may hold. Each builds only the batch services.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from ..catalog import Catalog
from ..documents import open_services
from ..store import batches as store
from ..store.batches import Work
from ..store.db import writing
from ..store.models import Batch
from . import archive
from .jobs import Batching, Settings, fresh, perform, run_inline

# What a helper process needs of the app's settings to open the store and the profile (the batch settings go as they are).
STORE_SETTINGS = ("DATABASE_URL", "STORAGE_URL", "PROFILE")

log = logging.getLogger(__name__)
_helper: Batching | None = None  # a helper process's services, built on its first unit of work


class Helpers:
    """Helper processes for a batch run, started at once, before the app opens the database: a forked
    helper must not share the connections of the process that starts it.

    Use as a context manager; with no helpers (0) it does nothing.
    """

    def __init__(self, count: int):
        self.count = count
        method = "fork" if threading.active_count() == 1 else "spawn"
        self.pool = ProcessPoolExecutor(count, multiprocessing.get_context(method)) if count else None
        for _ in range(count):
            self.pool.submit(_warm)

    def __enter__(self) -> Helpers:
        return self

    def __exit__(self, *exc_info) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


class _Run:
    """One batch run here: the chunks seen, the helpers' futures, the work left for this process
    and how far the zip has got."""

    def __init__(self, batching: Batching, batch_id: str, progress: Callable[[int, int], None],
                 helpers: Helpers, store_settings: dict, zipped: archive.Writer | None):
        self.batching, self.batch_id, self.progress = batching, batch_id, progress
        self.pool, self.store_settings, self.zipped = helpers.pool, store_settings, zipped
        self.chunks: list[Work] = []
        self.futures: list[Future] = []
        self.later: list[Work] = []
        self.done: set[int] = set()
        self.zipped_up_to = 0

    def enqueue(self, work: Work) -> None:
        """Hand a chunk to the helpers at once (if any) and note it for this process; keep other work for later."""
        if work.step != "chunk":
            self.later.append(work)
            return
        self.chunks.append(work)
        if self.pool is not None:
            try:
                self.futures.append(self.pool.submit(_run_in_helper, self.store_settings, self.batching.settings, work))
            except BrokenProcessPool:
                pass  # a helper died: this process makes the chunk when it goes over them all

    def update(self) -> None:
        """Pass on the rows handled so far; add the documents of the chunks completed since to the zip,
        up to the first chunk still open (the zip is in row order)."""
        with self.batching.services.sessions() as session:
            batch = store.get_batch(session, self.batch_id)
            self.done = store.chunk_numbers(session, self.batch_id, done_only=True)
            start = end = self.zipped_up_to
            while end in self.done:
                end += 1
            if self.zipped is not None and end > start:
                self.zipped.add(store.documents_in_order(session, self.batch_id, range(start, end)))
        self.progress(batch.produced + batch.failed, batch.total)
        self.zipped_up_to = end


def run(batching: Batching, batch_id: str, progress: Callable[[int, int], None],
        config: Mapping | None = None, helpers: Helpers | None = None, zipped: archive.Writer | None = None) -> Batch:
    """Prepare the batch and make every chunk, here and in the helpers; progress(handled, total) as it goes.

    This process goes over the chunks in order once the sheet is read, making those no helper has
    done or taken, and writes the documents to `zipped` (if given) as the chunks complete, so the
    zip is written while the rest is made. `config` (the app's settings) is needed when there are
    helpers. A helper that fails or dies leaves its chunks to this process.
    """
    helpers = helpers or Helpers(0)
    store_settings = {key: config[key] for key in STORE_SETTINGS} if helpers.count else {}
    state = _Run(batching, batch_id, progress, helpers, store_settings, zipped)
    perform(batching, Work("prepare", batch_id), state.enqueue)
    state.update()
    for work in state.chunks:
        if work.seq not in state.done:
            perform(batching, work, state.enqueue)
            state.update()
    _helpers_done(state)
    for work in state.later:
        run_inline(batching, work, lambda _: state.update())
    state.update()
    return fresh(batching.services, batch_id)


def _warm() -> None:
    """Nothing: submitted at start so the helper processes are started now, before the app opens
    the database, and are ready when the first chunk is read."""


def _run_in_helper(store_settings: dict, settings: Settings, work: Work) -> list[Work]:
    """Do a unit of work in a helper process; the work that follows it.

    The helper's batch services are built on its first unit (the database is migrated and the
    templates checked already by the process that started it).
    """
    global _helper  # noqa: PLW0603 (a helper process's state, built once)
    if _helper is None:
        _helper = Batching(open_services(store_settings, Catalog()), settings)
        gc.freeze()  # what is loaded so far lives as long as the helper process: spare the collector going over it
    follow: list[Work] = []
    perform(_helper, work, follow.append)
    return follow


def _helpers_done(state: _Run) -> None:
    """Wait for the helpers, reporting progress; then make here any chunk a helper failed or left (it died)."""
    futures, failed = state.futures, False
    while futures:
        done, pending = wait(futures, return_when=FIRST_COMPLETED)
        for future in done:
            try:
                state.later += future.result()
            except Exception:  # a helper's error (or its death): this process takes over its chunks
                log.exception("a batch helper failed; its chunks are made here")
                failed = True
        futures = list(pending)
        state.update()
    if failed:
        state.pool.shutdown(wait=True, cancel_futures=True)
        with writing(state.batching.services.sessions) as session:
            left = store.release_chunks(session, state.batch_id)
        for work in left:
            perform(state.batching, work, state.later.append)
