"""Runs a batch inside this process for the command line, and writes its zip and report to files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..store import batches as store
from ..store.batches import Work
from ..store.models import Batch
from . import archive
from .jobs import Batching, run_inline
from .paths import report_key


def run(batching: Batching, batch_id: str, progress: Callable[[int, int], None]) -> Batch:
    """Prepare and make every chunk here, calling progress(handled rows, total) after each step."""

    def after(work: Work) -> None:
        """Report the rows handled so far."""
        batch = _fresh(batching, batch_id)
        progress(batch.produced + batch.failed, batch.total)

    run_inline(batching, Work("prepare", batch_id), after)
    return _fresh(batching, batch_id)


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
