"""The steps of a batch, the queue's task functions: create, prepare, run a chunk, finish, reap.

Messages carry ids only; uploads, chunk inputs and reports go through the file storage, so any
worker can take any step. Every step is leased and idempotent (see service/store/batches.py):
run again after a crash, or twice at once, it loses and duplicates nothing, since each row's
document has the idempotency key batch id + row. Each step hands the work that follows to an
`enqueue` callback as soon as that work can start (chunks while the sheet is still being read),
for the caller to put on the queue (service.batch.queue).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from more_itertools import chunked

from .. import messages
from ..catalog import Checked, Kind
from ..config import DEFAULTS
from ..documents import Invalid, Outcome, Produced, Request, Services, wanted_number
from ..engine import EngineError
from ..store import batches as store
from ..store.db import writing
from ..store.errors import NumberTaken
from ..store.numbering import Number, register_numbers, void_numbers
from ..store.batches import RowOutcome, Work
from ..store.models import Batch, new_id
from . import report, webhook
from .layout import layout_of
from .paths import chunk_key, report_key, upload_key
from .reader import Reading, SheetError

STATE_TEXT = {"preparing": "正在读取", "running": "正在生成", "finishing": "正在汇总", "done": "已完成", "failed": "失败"}
Enqueue = Callable[[Work], None]
GAVE_UP = {"path": "", "message": "系统多次尝试仍未能生成这一行，请稍后重新上传这一行"}
SUMMING_FAILED = {"message": "系统多次尝试仍未能汇总这批文书（生成错误报告失败），请联系管理员查看日志"}


@dataclass(frozen=True)
class Settings:
    """How batches run (DOCGEN_BATCH_* settings)."""

    chunk_size: int = DEFAULTS["BATCH_CHUNK_SIZE"]
    lease: dt.timedelta = dt.timedelta(seconds=DEFAULTS["BATCH_LEASE_SECONDS"])
    grace: dt.timedelta = dt.timedelta(seconds=DEFAULTS["BATCH_GRACE_SECONDS"])
    max_attempts: int = DEFAULTS["BATCH_MAX_ATTEMPTS"]
    max_documents: int = DEFAULTS["BATCH_MAX_DOCUMENTS"]
    webhook_hosts: tuple[str, ...] = tuple(DEFAULTS["WEBHOOK_HOSTS"])
    webhook_timeout: float = float(DEFAULTS["WEBHOOK_TIMEOUT"])

    @classmethod
    def from_config(cls, config: dict) -> Settings:
        """Read the settings from the app config."""
        hosts = config["WEBHOOK_HOSTS"]
        return cls(
            chunk_size=int(config["BATCH_CHUNK_SIZE"]),
            lease=dt.timedelta(seconds=float(config["BATCH_LEASE_SECONDS"])),
            grace=dt.timedelta(seconds=float(config["BATCH_GRACE_SECONDS"])),
            max_attempts=int(config["BATCH_MAX_ATTEMPTS"]),
            max_documents=int(config["BATCH_MAX_DOCUMENTS"]),
            webhook_hosts=tuple(h.strip().lower() for h in (hosts.split(",") if isinstance(hosts, str) else hosts) if h.strip()),
            webhook_timeout=float(config["WEBHOOK_TIMEOUT"]),
        )


@dataclass
class Batching:
    """What the steps work with: the document services and the settings."""

    services: Services
    settings: Settings


class BatchInputError(ValueError):
    """The input as a whole cannot be used; `message` is Chinese."""

    def __init__(self, message: str):
        """Keep the Chinese message."""
        super().__init__(message)
        self.message = message


def row_key(batch_id: str, row: int) -> str:
    """The idempotency key of a row's document."""
    return f"batch:{batch_id}:{row}"


def create(batching: Batching, kind: Kind, source: str, content: bytes, created_by: str,
           webhook_url: str | None = None) -> Batch:
    """Store the upload (xlsx, or a JSON array of documents) and record the batch, to be prepared."""
    services, batch_id = batching.services, new_id()
    services.storage.put(upload_key(batch_id, source), content)
    with writing(services.sessions) as session:
        return store.create_batch(session, kind=kind.id, source=source, webhook=webhook_url,
                                  created_by=created_by, batch_id=batch_id)


def prepare(batching: Batching, batch_id: str, enqueue: Enqueue) -> None:
    """Read and check the upload chunk by chunk, numbering and recording each chunk as soon as it is read.

    Every row is validated here, and every valid row of a numbered kind gets its number, in row
    order, in the transaction that records its chunk; the chunk is enqueued at once, so workers
    render while the rest of the sheet is read. An upload that cannot be read at all fails the
    batch; one that breaks off part way keeps the chunks read so far and lists why the rest was
    not made. A prepare run again after a crash skips the chunks recorded before (and enqueues
    them again, in case they were not); two at once record each chunk once.
    """
    services, settings = batching.services, batching.settings
    with writing(services.sessions) as session:
        batch = store.claim_step(session, batch_id, "prepare", settings.lease)
        recorded = store.chunk_numbers(session, batch_id) if batch else set()
    if batch is None:
        return
    kind = services.catalog.get(batch.kind)
    problems: list[dict] = []
    unreadable = None
    try:
        if batch.attempts > settings.max_attempts:
            raise BatchInputError("多次尝试仍无法读取上传的文件，请检查文件后重新上传")
        entries, problems = _entries(batch.source, kind, services.storage.get(upload_key(batch.id, batch.source)),
                                     settings.max_documents)
        for seq, chunk in enumerate(chunked(entries, settings.chunk_size)):
            if seq in recorded or _record_chunk(batching, kind, batch_id, seq, chunk):
                enqueue(Work("chunk", batch_id, seq))
    except (BatchInputError, SheetError) as error:
        unreadable = error.message
    with writing(services.sessions) as session:
        if unreadable is not None and not store.chunk_numbers(session, batch_id):
            store.end_batch(session, batch_id, "failed", [{"message": unreadable}])
            return
        if unreadable is not None:
            problems = [*problems, {"message": f"{unreadable}（已读取的行照常生成，其余各行未生成）"}]
        finished = store.start_chunks(session, batch_id, problems)
    if finished:
        enqueue(Work("finish", batch_id))


def _record_chunk(batching: Batching, kind: Kind, batch_id: str, seq: int, chunk: list[dict]) -> bool:
    """Check a chunk's rows, record it, number the valid ones and store its input; False if it was recorded already."""
    services = batching.services
    for entry in chunk:
        _check(kind, entry)
    with writing(services.sessions) as session:
        if not store.add_chunk(session, batch_id, seq, len(chunk), batching.settings.lease):
            return False
        _reserve_numbers(session, kind, chunk)
        services.storage.put(chunk_key(batch_id, seq), json.dumps(chunk, ensure_ascii=False).encode())
    return True


def _entries(source: str, kind: Kind, content: bytes, limit: int) -> tuple[Iterator[dict], list[dict]]:
    """The rows of an upload as {row, key, payload, errors}, and a list the reading fills with problems."""
    if source == "json":
        documents = json.loads(content)
        if len(documents) > limit:
            raise BatchInputError(f"一次最多生成 {limit} 份文书")
        return ({"row": n, "key": None, "payload": doc, "errors": []} for n, doc in enumerate(documents, 1)), []
    reading = Reading(layout_of(kind), content, limit)
    rows = ({"row": d.row, "key": d.key, "payload": d.payload, "errors": d.errors} for d in reading)
    return rows, reading.problems


def _check(kind: Kind, entry: dict) -> None:
    """Validate a row: its checked data and warnings into the entry, or all its errors.

    A row with unreadable cells keeps their errors, plus the schema's about the other fields.
    """
    checked = kind.check(entry["payload"])
    if entry["errors"]:
        paths = {error["path"] for error in entry["errors"]}
        entry["errors"] += [error for error in checked.errors if error["path"] not in paths]
    elif checked.errors:
        entry["errors"] = checked.errors
    else:
        entry["data"], entry["warnings"] = checked.data, checked.warnings


def _reserve_numbers(session, kind: Kind, entries: list[dict]) -> None:
    """Register the number of every valid row of a numbered kind, in row order, into its entry.

    A supplied number already issued or voided becomes the row's error instead.
    """
    if kind.numbering is None:
        return
    ready = [(entry, wanted_number(kind, entry["data"])) for entry in entries if not entry["errors"]]
    for (entry, _), number in zip(ready, register_numbers(session, [wanted for _, wanted in ready])):
        if isinstance(number, NumberTaken):
            entry["errors"] = [_taken(kind, number)]
        else:
            entry["number"] = [number.series, number.year, number.serial, number.text]


def _taken(kind: Kind, taken: NumberTaken) -> dict:
    """The row error for a supplied number that is already issued or voided."""
    return {"path": kind.numbering.field, "message": messages.number_taken(taken, messages.AUTOMATIC_NUMBER)}


def run_chunk(batching: Batching, batch_id: str, seq: int, enqueue: Enqueue) -> None:
    """Make a chunk's documents and record its rows in one transaction; finish after the last chunk."""
    services, settings = batching.services, batching.settings
    with writing(services.sessions) as session:
        chunk = store.claim_chunk(session, batch_id, seq, settings.lease)
        batch = store.get_batch(session, batch_id) if chunk else None
    if chunk is None:
        return
    entries = json.loads(services.storage.get(chunk_key(batch_id, seq)))
    kind = services.catalog.get(batch.kind)
    for entry in entries:
        if not entry["errors"] and "data" not in entry:  # an input stored before rows were checked when read
            _check(kind, entry)
    if chunk.attempts > settings.max_attempts:
        finished = _give_up(services, batch_id, seq, entries)
    else:
        finished = _produce(services, batch, kind, seq, entries)
    if finished:
        enqueue(Work("finish", batch_id))


def _produce(services: Services, batch: Batch, kind: Kind, seq: int, entries: list[dict]) -> bool:
    """Produce the rows read without errors; record every row's outcome with the documents.

    A row that fails now although it was numbered (its template could not take the data) has its
    number voided, so the register shows why the serial was never issued.
    """
    ready = [entry for entry in entries if not entry["errors"]]
    unread = {entry["row"]: entry["errors"] for entry in entries if entry["errors"]}
    finished: list[bool] = []

    def record(session, outcomes: list[Outcome]) -> None:
        """Record the chunk's rows in the documents' transaction."""
        made = {entry["row"]: outcome for entry, outcome in zip(ready, outcomes)}
        rows = [_outcome(kind, entry["row"], made.get(entry["row"]), unread.get(entry["row"])) for entry in entries]
        completed = store.complete_chunk(session, batch.id, seq, rows)
        if completed is not None:
            _void_unused(session, [entry for entry in ready if not isinstance(made[entry["row"]], Produced)])
        finished.append(bool(completed))

    requests = [Request(entry["payload"], row_key(batch.id, entry["row"]), _reserved(entry),
                        Checked(entry["data"], [], entry["warnings"])) for entry in ready]
    services.produce_many(kind, requests, batch.created_by, also=record)
    return finished[0]


def _reserved(entry: dict) -> Number | None:
    """The number registered for this row when its sheet was read, if any."""
    return Number(*entry["number"]) if "number" in entry else None


def _void_unused(session, entries: list[dict]) -> None:
    """Void the numbers registered for rows that made no document."""
    numbers = [number for number in map(_reserved, entries) if number is not None]
    if numbers:
        void_numbers(session, numbers, "批量生成中这一行未能生成文书，编号作废")


def _outcome(kind: Kind, row: int, outcome: Outcome | None, errors: list[dict] | None) -> RowOutcome:
    """A row's outcome from what produce_many gave (or the errors found before)."""
    if isinstance(outcome, Produced):
        return RowOutcome(row, outcome.record.id, [], len(outcome.record.warnings))
    if isinstance(outcome, Invalid):
        return RowOutcome(row, None, outcome.errors)
    if isinstance(outcome, NumberTaken):
        return RowOutcome(row, None, [_taken(kind, outcome)])
    if isinstance(outcome, EngineError):
        return RowOutcome(row, None, [{"path": getattr(outcome, "path", ""), "message": messages.TEMPLATE_FAILED}])
    if outcome is not None:
        return RowOutcome(row, None, [{"path": "", "message": messages.ROW_CONFLICT}])
    return RowOutcome(row, None, errors or [])


def _give_up(services: Services, batch_id: str, seq: int, entries: list[dict]) -> bool:
    """Fail a chunk that keeps crashing its workers, so the rest of the batch can finish."""
    with writing(services.sessions) as session:
        completed = store.complete_chunk(session, batch_id, seq, [RowOutcome(e["row"], None, [GAVE_UP]) for e in entries])
        if completed is not None:
            _void_unused(session, [entry for entry in entries if not entry["errors"]])
    return bool(completed)


def finish(batching: Batching, batch_id: str, enqueue: Enqueue) -> None:
    """Write the error report and mark the batch done; then deliver its webhook, if it has one."""
    services, settings = batching.services, batching.settings
    with writing(services.sessions) as session:
        batch = store.claim_step(session, batch_id, "finish", settings.lease)
    if batch is None:
        return
    if batch.state == "finishing" and batch.attempts > settings.max_attempts:
        with writing(services.sessions) as session:
            store.end_batch(session, batch_id, "failed", [SUMMING_FAILED])
        return
    if batch.state == "finishing":
        services.storage.put(report_key(batch_id), report.build(services, batch))
        with writing(services.sessions) as session:
            store.end_batch(session, batch_id, "done")
    if batch.webhook:
        delivered = webhook.deliver(batch.webhook, summary(fresh(services, batch_id)), settings)
        with writing(services.sessions) as session:
            store.webhook_sent(session, batch_id, delivered)


def fresh(services: Services, batch_id: str) -> Batch:
    """The batch as now recorded."""
    with services.sessions() as session:
        return store.get_batch(session, batch_id)


def reap(batching: Batching) -> list[Work]:
    """Work lost with a crashed worker (or a lost message), to enqueue again."""
    with writing(batching.services.sessions) as session:
        return store.reap(session, batching.settings.grace)


STEPS: dict[str, Callable[..., None]] = {"prepare": prepare, "chunk": run_chunk, "finish": finish}


def perform(batching: Batching, work: Work, enqueue: Enqueue) -> None:
    """Run one unit of work, handing each unit that can follow it to `enqueue` as soon as it can start."""
    arguments = (work.batch_id,) if work.seq is None else (work.batch_id, work.seq)
    batching.services.refresh()  # rows are checked against the profile in use
    STEPS[work.step](batching, *arguments, enqueue)


def summary(batch: Batch) -> dict[str, Any]:
    """The batch's progress as the API and the webhook report it."""
    handled = batch.produced + batch.failed
    percentage = 100 if batch.state == "done" else (100 * handled // batch.total if batch.total else 0)
    return {
        "id": batch.id, "kind": batch.kind, "state": batch.state, "state_text": STATE_TEXT[batch.state],
        "formats": batch.formats, "total": batch.total, "done": batch.produced, "failed": batch.failed,
        "percentage": percentage, "warnings": batch.warnings, "problems": batch.problems,
        "webhook_state": batch.webhook_state, "created_at": batch.created_at.isoformat(),
        "finished_at": batch.finished_at.isoformat() if batch.finished_at else None,
    }
