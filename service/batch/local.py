"""Runs a batch from the command line: prepared here, its chunks made here and in helper processes.

Chunks are leased in the store, so the helpers and this process share them without a plan: the
helpers take chunks from the first on, this process from the last back, and whoever reaches a
chunk already taken moves on. Helpers are spawned fresh (not forked) and build only the batch
services, so each costs the memory of what it imports and nothing of this process's.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from pathlib import Path

from ..catalog import Catalog
from ..documents import open_services
from ..store import batches as store
from ..store.batches import Work
from ..store.db import writing
from ..store.models import Batch
from . import archive
from .jobs import Batching, Settings, perform, run_inline
from .paths import report_key

# What a helper process needs of the app's settings to build its batch services.
HELPER_SETTINGS = ("DATABASE_URL", "STORAGE_URL", "BATCH_CHUNK_SIZE", "BATCH_LEASE_SECONDS", "BATCH_GRACE_SECONDS",
                   "BATCH_MAX_ATTEMPTS", "BATCH_MAX_DOCUMENTS", "WEBHOOK_HOSTS", "WEBHOOK_TIMEOUT")

_helper: Batching | None = None  # a helper process's services, built once by _start_helper


def run(batching: Batching, batch_id: str, progress: Callable[[int, int], None],
        config: Mapping | None = None, helpers: int = 0) -> Batch:
    """Prepare the batch and make every chunk, with `helpers` extra processes; progress(handled, total) as it goes.

    `config` (the app's settings) is needed when there are helpers. A helper that dies leaves its
    chunk to this process.
    """
    pool = _pool(config, helpers) if helpers else nullcontext()
    with pool:
        follow = perform(batching, Work("prepare", batch_id))
        chunks = [work for work in follow if work.step == "chunk"]
        futures = [pool.submit(_run_in_helper, work) for work in chunks] if helpers else []

        def report() -> None:
            """Pass on the rows handled so far."""
            progress(*_handled(batching, batch_id))

        report()
        follow = [work for work in follow if work.step != "chunk"]
        for work in reversed(chunks) if helpers else chunks:
            follow += perform(batching, work)
            report()
        follow += _helpers_done(batching, batch_id, futures, report)
    for work in follow:
        run_inline(batching, work, lambda _: report())
    return _fresh(batching, batch_id)


def _pool(config: Mapping | None, helpers: int) -> ProcessPoolExecutor:
    """Helper processes, started now so they are ready once the batch is prepared."""
    settings = {key: config[key] for key in HELPER_SETTINGS}
    pool = ProcessPoolExecutor(helpers, multiprocessing.get_context("spawn"), _start_helper, (settings,))
    for _ in range(helpers):
        pool.submit(_warm)
    return pool


def _start_helper(settings: dict) -> None:
    """Build this helper process's batch services (the database is migrated and the templates checked already)."""
    global _helper  # noqa: PLW0603 (a pool initializer's per-process state)
    _helper = Batching(open_services(settings, Catalog()), Settings.from_config(settings))


def _warm() -> None:
    """Nothing: submitted at start so each helper process starts while the batch is prepared."""


def _run_in_helper(work: Work) -> list[Work]:
    """Do a unit of work in a helper process; the work that follows it."""
    return perform(_helper, work)


def _helpers_done(batching: Batching, batch_id: str, futures: list[Future], report: Callable[[], None]) -> list[Work]:
    """Wait for the helpers, reporting progress; then make here any chunk a dead helper left."""
    follow: list[Work] = []
    broken = False
    while futures:
        done, pending = wait(futures, return_when=FIRST_COMPLETED)
        for future in done:
            try:
                follow += future.result()
            except BrokenProcessPool:
                broken = True
        futures = list(pending)
        report()
    if broken:
        with writing(batching.services.sessions) as session:
            left = store.release_chunks(session, batch_id)
        for work in left:
            follow += perform(batching, work)
    return follow


def _handled(batching: Batching, batch_id: str) -> tuple[int, int]:
    """Rows handled so far and the batch's total."""
    batch = _fresh(batching, batch_id)
    return batch.produced + batch.failed, batch.total


def _fresh(batching: Batching, batch_id: str) -> Batch:
    """The batch as now recorded."""
    with batching.services.sessions() as session:
        return store.get_batch(session, batch_id)


def save(batching: Batching, batch_id: str, output: Path, report: Path | None) -> None:
    """Write the finished batch's zip (piece by piece) and, if asked, its error report."""
    with output.open("wb") as file:
        for piece in archive.of_batch(batching.services, batch_id):
            file.write(piece)
    if report is not None:
        report.write_bytes(batching.services.storage.get(report_key(batch_id)))
