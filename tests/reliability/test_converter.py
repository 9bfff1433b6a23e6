"""A LibreOffice converter that dies mid-conversion fails that conversion at once and is replaced."""

from __future__ import annotations

import logging
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from service.pdf import ConverterPool
from service.pdf.worker import office_binary
from tests.test_pdf import TEXT, make_docx, text_of

pytestmark = pytest.mark.skipif(office_binary() is None, reason="needs LibreOffice (apt-get install libreoffice-writer-nogui)")
TIMEOUT = 60  # the production default: a dead office must not be noticed only after it


def test_a_killed_office_fails_its_conversion_at_once_and_the_retry_answers(caplog):
    """SIGKILL mid-conversion while the bridge waits on its UNO call (held still here, as a bridge that has
    not noticed the lost office): the first attempt ends because the office exited, not after the timeout;
    a fresh office converts the retry, and the pool keeps its size."""
    document = make_docx((False, [("仿宋_GB2312", TEXT)]))
    with ConverterPool(size=1, timeout=TIMEOUT) as pool:
        [victim] = pool.pids
        [worker] = pool._workers
        os.kill(victim, signal.SIGSTOP)  # holds the conversion mid-way until the kill
        os.kill(worker.bridge.pid, signal.SIGSTOP)
        with caplog.at_level(logging.WARNING, "service.pdf"), ThreadPoolExecutor(1) as executor:
            future = executor.submit(pool.convert, document)
            time.sleep(0.5)
            killed = time.monotonic()
            os.kill(victim, signal.SIGKILL)
            pdf = future.result()
            answered = time.monotonic() - killed
        assert TEXT in text_of(pdf)
        failures = [r.getMessage() for r in caplog.records if "attempt 1 failed" in r.getMessage()]
        assert failures and "LibreOffice exited" in failures[0], failures
        assert len(pool.pids) == 1 and victim not in pool.pids
    print(f"converter killed mid-conversion: answered {answered:.1f} s after the kill (timeout {TIMEOUT} s)")
