"""ConverterPool: warm LibreOffice converters on this machine, one request at a time each."""

from __future__ import annotations

import atexit
import logging
import os
import queue
import shutil
import tempfile
import threading
import weakref
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..config import DEFAULTS
from . import fonts
from .converter import Converter
from .errors import ConversionError, PoolBusy
from .worker import SYSTEM_PYTHON, Worker, WorkerFailed, office_binary

log = logging.getLogger(__name__)
_open_pools: weakref.WeakSet[ConverterPool] = weakref.WeakSet()


class ConverterPool(Converter):
    """`size` warm LibreOffice processes (default: one per core), each with its own profile."""

    def __init__(self, size: int | None = None, timeout: float = DEFAULTS["PDF_TIMEOUT"],
                 profile_root: str | os.PathLike | None = None, fonts_dir: str | os.PathLike | None = None,
                 wait: float = DEFAULTS["PDF_WAIT"]):
        """Start the converters; ConversionError if LibreOffice is missing or does not start."""
        if office_binary() is None or not os.path.exists(SYSTEM_PYTHON):
            raise ConversionError(f"LibreOffice (soffice) and {SYSTEM_PYTHON} with python3-uno are needed")
        self.size, self.timeout, self.wait = size or os.cpu_count() or 1, timeout, wait
        self._temporary = profile_root is None
        self._root = Path(profile_root or tempfile.mkdtemp(prefix="docgen-pdf-"))
        self._root.mkdir(parents=True, exist_ok=True)
        env = fonts.environment(self._root, fonts_dir)
        self._workers = [Worker(self._root / f"converter-{i}", env, timeout) for i in range(self.size)]
        self._idle: queue.SimpleQueue[Worker] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._closed = False
        _open_pools.add(self)
        self._start_all()

    def convert(self, docx: bytes) -> bytes:
        """The PDF of `docx`; PoolBusy after `wait` s without a free converter, ConversionError."""
        worker = self._acquire()
        try:
            return self._convert_with_retry(worker, docx)
        finally:
            self._idle.put(worker)

    @property
    def pids(self) -> list[int]:
        """Process ids of the running LibreOffice processes."""
        return [pid for pid in (worker.pid for worker in self._workers) if pid]

    def close(self) -> None:
        """Stop every converter and remove a temporary profile root; safe to call twice."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        for worker in self._workers:
            worker.stop(graceful=True)
        if self._temporary:
            shutil.rmtree(self._root, ignore_errors=True)

    def _start_all(self) -> None:
        """Start the converters in parallel; on any failure stop them all and raise."""
        with ThreadPoolExecutor(self.size) as executor:
            failures = [error for error in executor.map(self._start, self._workers) if error]
        if failures:
            self.close()
            raise ConversionError(f"LibreOffice did not start: {failures[0]}")
        for worker in self._workers:
            self._idle.put(worker)

    @staticmethod
    def _start(worker: Worker) -> str | None:
        """Start one converter; the failure's text, or None."""
        try:
            worker.start()
        except WorkerFailed as error:
            return str(error)
        return None

    def _acquire(self) -> Worker:
        """An idle converter, waiting `wait` seconds at most."""
        try:
            return self._idle.get(timeout=self.wait)
        except queue.Empty:
            raise PoolBusy(f"all {self.size} converters busy for {self.wait:g} s") from None

    def _convert_with_retry(self, worker: Worker, docx: bytes) -> bytes:
        """Convert on `worker`, restarting it if needed; one retry, then ConversionError."""
        failure = None
        for attempt in (1, 2):
            if self._closed:
                raise ConversionError("the converter pool is closed")
            try:
                worker.ensure_running()
                return worker.convert(docx)
            except WorkerFailed as error:
                failure = error
                log.warning("PDF conversion attempt %d failed: %s", attempt, error)
        raise ConversionError(str(failure))


@atexit.register
def _close_open_pools() -> None:
    """Stop the converters of pools the program did not close."""
    for pool in list(_open_pools):
        pool.close()
