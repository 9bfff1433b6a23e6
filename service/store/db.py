"""Engines and sessions: SQLite by default, PostgreSQL by URL, write transactions that lock early."""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from sqlalchemy import Engine, create_engine, event, literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

WRITE_OPTION = "docgen_write"
BUSY_TIMEOUT_MS = 30_000
SQLITE_PRAGMAS = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
)
WAL_RETRY_SECONDS = 0.05
INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


class WriterLock:
    """Queues the writers of one SQLite file: a thread lock within the process, flock across processes.

    Waiters sleep in the kernel and wake as soon as the lock is free, instead of in SQLite's
    busy handler, which backs off up to 100 ms per try.
    """

    def __init__(self, path: str):
        self._threads = threading.Lock()
        self._descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Hold the lock for the duration of a write transaction."""
        with self._threads:
            fcntl.flock(self._descriptor, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._descriptor, fcntl.LOCK_UN)

    def __del__(self) -> None:
        """Close the lock file with the engine."""
        os.close(self._descriptor)


# SQLite file engines and their writers' lock.
_WRITER_LOCKS: weakref.WeakKeyDictionary[Engine, WriterLock] = weakref.WeakKeyDictionary()


def private_file(path: str) -> str:
    """Create the file at `path`, if missing, readable and writable by this user only; return `path`.

    SQLite gives a database's -wal and -shm files the mode of the database file, so a database
    created here keeps documents' data and key hashes from the machine's other users.
    """
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    return path


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for `url`; SQLite files get WAL, a busy timeout, explicit BEGINs and mode 0600.

    Server databases check a pooled connection before each use, so that after a restart of the
    server the next request gets a fresh one instead of an error.
    """
    if not url.startswith("sqlite"):
        kwargs.setdefault("pool_pre_ping", True)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        if engine.url.database and engine.url.database != ":memory:":
            private_file(engine.url.database)
            _WRITER_LOCKS[engine] = WriterLock(f"{engine.url.database}.writer-lock")
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    """Set per-connection pragmas and take BEGIN away from the sqlite3 driver."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    _enable_wal(cursor)
    cursor.close()


def _enable_wal(cursor: Any) -> None:
    """Switch the file to WAL (it stays so); retry, as SQLite does not wait for the lock this needs."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(WAL_RETRY_SECONDS)


def _sqlite_begin(connection: Any) -> None:
    """Emit BEGIN ourselves: IMMEDIATE for write transactions so they queue instead of failing."""
    immediate = connection.get_execution_options().get(WRITE_OPTION)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return the session factory for `engine`; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def writing(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """Yield a session in a write transaction, committed on success and rolled back on error.

    On SQLite the transaction starts with BEGIN IMMEDIATE, so concurrent writers wait for
    the lock (up to the busy timeout) instead of failing half way through. Writers of a SQLite
    file first queue on its WriterLock, held until after COMMIT.
    """
    lock = _WRITER_LOCKS.get(sessions.kw.get("bind"))
    with lock.held() if lock else nullcontext():
        with sessions.begin() as session:
            session.connection(execution_options={WRITE_OPTION: True})
            yield session


def require_write(session: Session) -> None:
    """Raise RuntimeError unless `session` was opened by writing()."""
    if not session.connection().get_execution_options().get(WRITE_OPTION):
        raise RuntimeError("this store function must run inside store.db.writing()")


def insert_ignore(session: Session, model: type, values: dict[str, Any]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING; True if the row was inserted."""
    statement = INSERTS[session.get_bind().dialect.name](model).values(**values).on_conflict_do_nothing()
    return session.execute(statement.returning(literal(1))).first() is not None
