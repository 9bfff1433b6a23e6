"""Tables: documents, issued and voided numbers, number counters, API keys, batches, template versions, settings."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps them as naive UTC text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        """Store aware datetimes as UTC; naive ones are refused rather than guessed."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use timezone-aware values")
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        """Return aware UTC datetimes."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


def utcnow() -> dt.datetime:
    """Now, timezone-aware, in UTC."""
    return dt.datetime.now(dt.timezone.utc)


def new_id() -> str:
    """A random UUID as text, the primary key of documents and keys."""
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    """Declarative base with stable constraint names for migrations."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dt.datetime: UtcDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class RegisteredNumber(Base):
    """A serial of a series and year that is issued or voided; its row is never deleted."""

    __tablename__ = "numbers"
    __table_args__ = (CheckConstraint("serial >= 1", name="serial_positive"),)

    series: Mapped[str] = mapped_column(String(100), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[int] = mapped_column(primary_key=True)
    registered_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    voided_at: Mapped[dt.datetime | None]
    void_reason: Mapped[str | None] = mapped_column(Text)


class NumberCounter(Base):
    """The next serial to try for a series and year."""

    __tablename__ = "number_counters"
    __table_args__ = (CheckConstraint("next_serial >= 1", name="next_serial_positive"),)

    series: Mapped[str] = mapped_column(String(100), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    next_serial: Mapped[int]


class Document(Base):
    """One generated file and everything needed to trust, find and download it again."""

    __tablename__ = "documents"
    __table_args__ = (
        ForeignKeyConstraint(
            ["series", "year", "serial"],
            ["numbers.series", "numbers.year", "numbers.serial"],
        ),
        UniqueConstraint("series", "year", "serial"),
        CheckConstraint(
            "(number IS NULL AND series IS NULL AND year IS NULL AND serial IS NULL)"
            " OR (number IS NOT NULL AND series IS NOT NULL AND year IS NOT NULL"
            " AND serial IS NOT NULL)",
            name="number_complete",
        ),
        UniqueConstraint("created_by", "idempotency_key"),
        Index(None, "created_at", "id"),
        Index(None, "kind", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]]
    format: Mapped[str] = mapped_column(String(16))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    file_key: Mapped[str] = mapped_column(String(255))
    file_entry: Mapped[str | None] = mapped_column(String(255))
    filename: Mapped[str] = mapped_column(String(255))
    warnings: Mapped[list[Any]]
    number: Mapped[str | None] = mapped_column(String(200))
    series: Mapped[str | None] = mapped_column(String(100))
    year: Mapped[int | None]
    serial: Mapped[int | None]
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    request_hash: Mapped[str | None] = mapped_column(String(64))


class ApiKey(Base):
    """An API key: only the SHA-256 of the token is kept, never the token."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[Any]]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[dt.datetime | None]
    last_used_at: Mapped[dt.datetime | None]

    def allows(self, scope: str) -> bool:
        """True if the key is live and carries `scope` (scopes are explicit: admin implies nothing)."""
        return self.revoked_at is None and scope in self.scopes


class Leased:
    """Columns of work handed to the queue: last enqueued, leased to a worker until, tries so far."""

    enqueued_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    leased_until: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)


class Batch(Leased, Base):
    """Many documents of one kind from one upload, made in chunks by any worker.

    `state` goes preparing → running → finishing → done, or failed when the upload cannot be read;
    `webhook_state` is pending until the completion webhook is delivered (or given up).
    """

    __tablename__ = "batches"
    __table_args__ = (Index(None, "state"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(8))
    formats: Mapped[list[Any]]
    state: Mapped[str] = mapped_column(String(16))
    total: Mapped[int] = mapped_column(default=0)
    produced: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    warnings: Mapped[int] = mapped_column(default=0)
    problems: Mapped[list[Any]]
    webhook: Mapped[str | None] = mapped_column(String(2000))
    webhook_state: Mapped[str | None] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]


class BatchChunk(Leased, Base):
    """A run of consecutive rows of a batch, made in one transaction; its input is a stored file."""

    __tablename__ = "batch_chunks"
    __table_args__ = (Index(None, "done"),)

    batch_id: Mapped[str] = mapped_column(String(36), ForeignKey("batches.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)
    rows: Mapped[int]
    done: Mapped[bool] = mapped_column(default=False)


class BatchRow(Base):
    """The outcome of one row of a batch: its document, or the errors that stopped it."""

    __tablename__ = "batch_rows"

    batch_id: Mapped[str] = mapped_column(String(36), ForeignKey("batches.id"), primary_key=True)
    row: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int]
    document_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("documents.id"))
    errors: Mapped[list[Any]]


class TemplateVersion(Base):
    """An uploaded Word template of a kind: its file in the storage backend, numbered per kind."""

    __tablename__ = "template_versions"
    __table_args__ = (UniqueConstraint("kind", "seq"), UniqueConstraint("kind", "sha256"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    file_key: Mapped[str] = mapped_column(String(255))
    filename: Mapped[str] = mapped_column(String(255))
    note: Mapped[str] = mapped_column(Text, default="")
    warnings: Mapped[list[Any]]
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class TemplateActivation(Base):
    """A switch of a kind's active template; the latest row per kind wins (no version: the shipped one)."""

    __tablename__ = "template_activations"
    __table_args__ = (Index(None, "kind", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(64))
    version_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("template_versions.id"))
    activated_by: Mapped[str] = mapped_column(String(100))
    activated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Setting(Base):
    """A setting an administrator changes at run time (the organisation profile), with its content hash."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
