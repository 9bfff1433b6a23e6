"""Batch records: create, lease steps and chunks to workers, record outcomes, reap lost work.

A step (preparing or finishing a batch) and a chunk are claimed with a lease: a worker holds it
until `leased_until`, counting `attempts`. A queue hands a message out once, so a worker killed
mid-task loses it; reap() finds work whose lease ran out (or whose message never got picked up)
and gives it back to be enqueued again. Chunks are completed at most once, in the transaction that
records their documents, so counts never double even if two workers ran the same chunk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import Row, and_, func, insert, or_, select, update
from sqlalchemy.orm import Session

from service.store.db import insert_ignore, require_write
from service.store.models import Batch, BatchChunk, BatchRow, Document, Leased, new_id, utcnow

OPEN_STATES = ("preparing", "running", "finishing")


class Work(NamedTuple):
    """A unit of queued work, by ids only: a step of a batch, or one chunk (`seq`) of it."""

    step: str
    batch_id: str
    seq: int | None = None


@dataclass(frozen=True)
class RowOutcome:
    """What became of one row: its document, or the errors that stopped it."""

    row: int
    document_id: str | None
    errors: list[dict]
    warnings: int = 0


def create_batch(session: Session, *, kind: str, source: str, webhook: str | None,
                 created_by: str, batch_id: str | None = None) -> Batch:
    """Record a new batch, waiting to be prepared; its documents are .docx files (`formats`, as the API shows)."""
    require_write(session)
    batch = Batch(id=batch_id or new_id(), kind=kind, source=source, formats=["docx"], state="preparing",
                  problems=[], webhook=webhook, created_by=created_by, total=0, produced=0, failed=0,
                  warnings=0, attempts=0, enqueued_at=utcnow())
    session.add(batch)
    session.flush()
    return batch


def get_batch(session: Session, batch_id: str) -> Batch | None:
    """The batch with this id, or None."""
    return session.get(Batch, batch_id)


def claim_step(session: Session, batch_id: str, step: str, lease: dt.timedelta) -> Batch | None:
    """Lease the batch for `step` (prepare or finish) if that step is due and nobody holds it."""
    claimed = _claim(session, Batch, [Batch.id == batch_id, _step_due(step)], lease)
    return session.get(Batch, batch_id, populate_existing=True) if claimed else None


def claim_chunk(session: Session, batch_id: str, seq: int, lease: dt.timedelta) -> BatchChunk | None:
    """Lease an unfinished chunk if nobody holds it."""
    conditions = [BatchChunk.batch_id == batch_id, BatchChunk.seq == seq, BatchChunk.done.is_(False)]
    claimed = _claim(session, BatchChunk, conditions, lease)
    return session.get(BatchChunk, (batch_id, seq), populate_existing=True) if claimed else None


def _claim(session: Session, model: type[Leased], conditions: list, lease: dt.timedelta) -> bool:
    """Take the lease of the matching row unless a live lease holds it; True if taken."""
    require_write(session)
    now = utcnow()
    free = or_(model.leased_until.is_(None), model.leased_until < now)
    result = session.execute(update(model).where(*conditions, free)
                             .values(leased_until=now + lease, attempts=model.attempts + 1))
    return result.rowcount == 1


def _step_due(step: str):
    """The condition under which a batch needs `step`: prepare while preparing; finish while
    finishing, or when done with its webhook still to deliver."""
    if step == "prepare":
        return Batch.state == "preparing"
    return or_(Batch.state == "finishing", and_(Batch.state == "done", Batch.webhook_state == "pending"))


def add_chunk(session: Session, batch_id: str, seq: int, rows: int, lease: dt.timedelta) -> bool:
    """Record a chunk of a batch being prepared, unless it is recorded already; True if this recorded it.

    Call it first in the transaction that numbers the chunk and stores its input: a second prepare
    of the same batch (its lease ran out) then finds the chunk taken and leaves it alone. The
    prepare's lease is renewed, so a prepare that is still reading is not taken for lost.
    """
    require_write(session)
    now = utcnow()
    values = {"batch_id": batch_id, "seq": seq, "rows": rows, "done": False, "enqueued_at": now, "attempts": 0}
    if not insert_ignore(session, BatchChunk, values):
        return False
    session.execute(update(Batch).where(Batch.id == batch_id, Batch.state == "preparing").values(leased_until=now + lease))
    return True


def chunk_numbers(session: Session, batch_id: str, done_only: bool = False) -> set[int]:
    """The numbers (seq) of the chunks recorded so far, or only of those completed."""
    query = select(BatchChunk.seq).where(BatchChunk.batch_id == batch_id)
    if done_only:
        query = query.where(BatchChunk.done.is_(True))
    return set(session.scalars(query))


def start_chunks(session: Session, batch_id: str, problems: list[dict]) -> bool:
    """End preparing: the row total is that of the chunks recorded; note the problems. True when no chunk is left to run.

    Only a batch still preparing moves on (a late second prepare changes nothing). The batch row is
    updated first, so this and complete_chunk() take its lock in turn: whichever comes second sees
    the other's work, and exactly one of them moves the batch to finishing.
    """
    require_write(session)
    total = select(func.coalesce(func.sum(BatchChunk.rows), 0)).where(BatchChunk.batch_id == batch_id).scalar_subquery()
    started = session.execute(update(Batch).where(Batch.id == batch_id, Batch.state == "preparing").values(
        state="running", total=total, problems=problems, leased_until=None, enqueued_at=utcnow()))
    return started.rowcount == 1 and _finish_if_done(session, batch_id)


def _finish_if_done(session: Session, batch_id: str) -> bool:
    """Move a running batch with no open chunk to finishing; True if it moved."""
    open_chunks = select(func.count()).select_from(BatchChunk).where(BatchChunk.batch_id == batch_id, BatchChunk.done.is_(False))
    if session.scalar(select(Batch.state).where(Batch.id == batch_id)) != "running" or session.scalar(open_chunks):
        return False
    session.execute(update(Batch).where(Batch.id == batch_id).values(state="finishing", enqueued_at=utcnow(), attempts=0))
    return True


def complete_chunk(session: Session, batch_id: str, seq: int, outcomes: list[RowOutcome]) -> bool | None:
    """Record a chunk's rows and counts, once: True when it was the last open chunk of a batch done
    preparing, False when others remain, None when the chunk was completed before (nothing recorded)."""
    require_write(session)
    done = session.execute(update(BatchChunk)
                           .where(BatchChunk.batch_id == batch_id, BatchChunk.seq == seq, BatchChunk.done.is_(False))
                           .values(done=True, leased_until=None))
    if done.rowcount != 1:
        return None
    if outcomes:
        session.execute(insert(BatchRow), [{"batch_id": batch_id, "row": o.row, "seq": seq,
                                            "document_id": o.document_id, "errors": o.errors} for o in outcomes])
    produced = sum(o.document_id is not None for o in outcomes)
    session.execute(update(Batch).where(Batch.id == batch_id).values(
        produced=Batch.produced + produced, failed=Batch.failed + len(outcomes) - produced,
        warnings=Batch.warnings + sum(o.warnings for o in outcomes)))
    return _finish_if_done(session, batch_id)


def release(session: Session, batch_id: str) -> list[Work]:
    """Give up the leases on a batch's open work (its prepare or finish step, its unfinished chunks), whose
    workers are known to be gone; that work, to do again."""
    require_write(session)
    found = []
    for model, still_open in ((Batch, or_(_step_due("prepare"), _step_due("finish"))), (BatchChunk, BatchChunk.done.is_(False))):
        owner = Batch.id if model is Batch else BatchChunk.batch_id
        statement = update(model).where(owner == batch_id, still_open).values(leased_until=None)
        found += sorted(session.execute(statement.returning(*_work_columns(model))).all())
    return [_work(*row) for row in found]


def end_batch(session: Session, batch_id: str, state: str, problems: list[dict] | None = None) -> None:
    """Mark the batch done (its webhook, if any, pending) or failed; release its lease."""
    require_write(session)
    values: dict[str, Any] = {"state": state, "finished_at": utcnow()}
    if problems is not None:
        values["problems"] = problems
    batch = session.get(Batch, batch_id)
    if batch.webhook and state == "done":
        values["webhook_state"] = "pending"
    else:
        values["leased_until"] = None
    session.execute(update(Batch).where(Batch.id == batch_id).values(**values))


def webhook_sent(session: Session, batch_id: str, delivered: bool) -> None:
    """Record how the completion webhook went, for good; release the batch's lease."""
    require_write(session)
    session.execute(update(Batch).where(Batch.id == batch_id).values(
        webhook_state="delivered" if delivered else "failed", leased_until=None))


def reap(session: Session, grace: dt.timedelta) -> list[Work]:
    """Take back work whose lease ran out or that was enqueued long ago and never started.

    Each returned item is marked as enqueued now, so concurrent reapers return it once.
    """
    require_write(session)
    now = utcnow()
    found = []
    for model, still_open in ((Batch, or_(_step_due("prepare"), _step_due("finish"))), (BatchChunk, BatchChunk.done.is_(False))):
        lost = or_(model.leased_until < now, and_(model.leased_until.is_(None), model.enqueued_at < now - grace))
        statement = update(model).where(still_open, lost).values(leased_until=None, enqueued_at=now)
        found += session.execute(statement.returning(*_work_columns(model))).all()
    return [_work(*row) for row in found]


def _work_columns(model: type[Leased]) -> tuple:
    """The columns naming reaped work: a batch's id and state, or a chunk's batch and number."""
    return (Batch.id, Batch.state) if model is Batch else (BatchChunk.batch_id, BatchChunk.seq)


def _work(batch_id: str, detail: str | int) -> Work:
    """Reaped work as a queue item."""
    if isinstance(detail, int):
        return Work("chunk", batch_id, detail)
    return Work("prepare" if detail == "preparing" else "finish", batch_id)


def documents_in_order(session: Session, batch_id: str, chunks: range | None = None) -> list[Row]:
    """The batch's documents (or those of a range of its chunks) in row order: row, id, filename
    and where the file is (file_key, file_entry)."""
    query = (select(BatchRow.row, Document.id, Document.filename, Document.file_key, Document.file_entry)
             .join(Document, Document.id == BatchRow.document_id)
             .where(BatchRow.batch_id == batch_id).order_by(BatchRow.row))
    if chunks is not None:
        query = query.where(BatchRow.seq >= chunks.start, BatchRow.seq < chunks.stop)
    return list(session.execute(query))


def row_outcomes(session: Session, batch_id: str) -> Iterator[tuple[int, int, list[dict], list[dict]]]:
    """(chunk, row, errors, warnings) of every row, in row order."""
    query = (select(BatchRow.seq, BatchRow.row, BatchRow.errors, Document.warnings)
             .outerjoin(Document, Document.id == BatchRow.document_id)
             .where(BatchRow.batch_id == batch_id).order_by(BatchRow.row))
    for seq, row, errors, warnings in session.execute(query).yield_per(1000):
        yield seq, row, errors, warnings or []
