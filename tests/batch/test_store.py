"""Batch records: leases are taken once, lost work is reaped once, chunks complete once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update

from service.store import batches
from service.store.batches import RowOutcome, Work
from service.store.db import writing
from service.store.models import Batch, BatchChunk, BatchRow, utcnow

LEASE = dt.timedelta(minutes=5)
GRACE = dt.timedelta(minutes=10)


def new_batch(sessions, chunks: list[int] | None = None) -> str:
    """A batch, prepared into chunks of these sizes when given."""
    with writing(sessions) as session:
        batch = batches.create_batch(session, kind="certificate", source="xlsx", webhook=None,
                                     created_by="key:hr")
        if chunks is not None:
            for seq, rows in enumerate(chunks):
                assert batches.add_chunk(session, batch.id, seq, rows, LEASE)
            batches.start_chunks(session, batch.id, [])
        return batch.id


def expire(sessions, model, *where, **values) -> None:
    """Move the matching rows' lease or enqueue time, as if time had passed."""
    with writing(sessions) as session:
        session.execute(update(model).where(*where).values(**values))


def test_a_step_is_leased_to_one_worker_at_a_time(sessions):
    """Preparing is claimed once; after the lease runs out it can be claimed again, counting attempts."""
    batch_id = new_batch(sessions)
    with writing(sessions) as session:
        assert batches.claim_step(session, batch_id, "prepare", LEASE).attempts == 1
        assert batches.claim_step(session, batch_id, "prepare", LEASE) is None
        assert batches.claim_step(session, batch_id, "finish", LEASE) is None
    expire(sessions, Batch, leased_until=utcnow() - dt.timedelta(seconds=1))
    with writing(sessions) as session:
        assert batches.claim_step(session, batch_id, "prepare", LEASE).attempts == 2


def test_chunks_complete_once_and_the_last_one_finishes_the_batch(sessions):
    """Counting happens once per chunk even if two workers ran it; the last open chunk says finish."""
    batch_id = new_batch(sessions, [2, 1])
    rows = [RowOutcome(1, None, [{"path": "", "message": "坏"}]), RowOutcome(2, None, [], 0)]
    with writing(sessions) as session:
        assert batches.claim_chunk(session, batch_id, 0, LEASE).attempts == 1
        assert batches.complete_chunk(session, batch_id, 0, rows) is False
        assert batches.complete_chunk(session, batch_id, 0, rows) is None
        assert batches.claim_chunk(session, batch_id, 0, LEASE) is None
        assert batches.complete_chunk(session, batch_id, 1, [RowOutcome(3, None, [])]) is True
    with sessions() as session:
        batch = batches.get_batch(session, batch_id)
        assert (batch.state, batch.total, batch.failed) == ("finishing", 3, 3)
        assert session.scalar(select(func.count()).select_from(BatchRow)) == 3


def test_reaping_returns_lost_work_once(sessions):
    """Expired leases and long-unstarted messages come back once; live work stays put."""
    running = new_batch(sessions, [1, 1])
    preparing = new_batch(sessions)
    with writing(sessions) as session:
        batches.claim_chunk(session, running, 0, LEASE)
        assert batches.reap(session, GRACE) == []
    expire(sessions, BatchChunk, enqueued_at=utcnow() - 2 * GRACE)
    expire(sessions, Batch, enqueued_at=utcnow() - 2 * GRACE)
    with writing(sessions) as session:
        found = batches.reap(session, GRACE)
        assert sorted(found) == sorted([Work("chunk", running, 1), Work("prepare", preparing)])
        assert batches.reap(session, GRACE) == []
    expire(sessions, BatchChunk, BatchChunk.seq == 0, leased_until=utcnow() - dt.timedelta(seconds=1))
    with writing(sessions) as session:
        assert batches.reap(session, GRACE) == [Work("chunk", running, 0)]


def test_done_batches_with_a_webhook_to_deliver_are_reaped_for_finishing(sessions):
    """A worker that died after marking done but before the webhook leaves it pending; reaping finds it."""
    batch_id = new_batch(sessions, [])
    with writing(sessions) as session:
        session.execute(update(Batch).values(webhook="http://127.0.0.1/hook"))
        batches.claim_step(session, batch_id, "finish", LEASE)
        batches.end_batch(session, batch_id, "done")
    expire(sessions, Batch, leased_until=utcnow() - dt.timedelta(seconds=1))
    with writing(sessions) as session:
        assert batches.reap(session, GRACE) == [Work("finish", batch_id)]
        assert batches.claim_step(session, batch_id, "finish", LEASE) is not None
        batches.webhook_sent(session, batch_id, delivered=True)
        assert batches.get_batch(session, batch_id).webhook_state == "delivered"
        assert batches.reap(session, GRACE) == []


def test_the_batch_finishes_once_both_preparing_and_its_chunks_are_done(sessions):
    """A chunk completed while the batch is still read does not finish it; ending the reading then does."""
    with writing(sessions) as session:
        batch = batches.create_batch(session, kind="certificate", source="xlsx", webhook=None,
                                     created_by="key:hr")
        assert batches.add_chunk(session, batch.id, 0, 1, LEASE)
        assert batches.add_chunk(session, batch.id, 0, 1, LEASE) is False
        assert batches.complete_chunk(session, batch.id, 0, [RowOutcome(2, None, [])]) is False
        assert batches.start_chunks(session, batch.id, []) is True
        assert (batches.get_batch(session, batch.id).state, batches.get_batch(session, batch.id).total) == ("finishing", 1)
        assert batches.start_chunks(session, batch.id, []) is False


def test_released_work_is_the_open_step_and_the_unfinished_chunks(sessions):
    """release() gives back the leases of the open step and of open chunks only, as work to do again."""
    batch_id = new_batch(sessions, [1, 1, 1])
    with writing(sessions) as session:
        for seq in range(3):
            batches.claim_chunk(session, batch_id, seq, LEASE)
        batches.complete_chunk(session, batch_id, 1, [RowOutcome(3, None, [])])
        assert batches.release(session, batch_id) == [Work("chunk", batch_id, 0), Work("chunk", batch_id, 2)]
        assert batches.claim_chunk(session, batch_id, 0, LEASE) is not None
    preparing = new_batch(sessions)
    with writing(sessions) as session:
        assert batches.claim_step(session, preparing, "prepare", LEASE) is not None
        assert batches.add_chunk(session, preparing, 0, 1, LEASE)
        assert batches.claim_step(session, preparing, "prepare", LEASE) is None
        assert batches.release(session, preparing) == [Work("prepare", preparing), Work("chunk", preparing, 0)]
        assert batches.claim_step(session, preparing, "prepare", LEASE) is not None
