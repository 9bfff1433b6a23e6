"""Webhook delivery: retried with backoff on failure, given up after a few attempts, never redirected."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from service.batch import webhook
from service.batch.jobs import Settings


@pytest.fixture
def flaky_server():
    """A local server answering the queued statuses in turn (then 204); yields (port, statuses seen)."""
    answers: list[int] = []
    seen: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        """Answer the next queued status."""

        def do_POST(self):
            """Read the body, answer."""
            self.rfile.read(int(self.headers["Content-Length"]))
            status = answers.pop(0) if answers else 204
            seen.append(status)
            self.send_response(status)
            if status == 302:
                self.send_header("Location", "http://127.0.0.2:9/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            """Stay quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], answers, seen
    server.shutdown()


def test_a_failed_delivery_is_retried(flaky_server, caplog):
    """A 500 then a 204: delivered at the second attempt, the failure logged by host only."""
    port, answers, seen = flaky_server
    answers.append(500)
    settings = Settings(webhook_hosts=("127.0.0.1",), webhook_timeout=5)
    assert webhook.deliver(f"http://127.0.0.1:{port}/hook?token=secret", {"state": "done"}, settings)
    assert seen == [500, 204]
    assert "webhook to 127.0.0.1 failed (attempt 1): HTTPError" in caplog.text and "secret" not in caplog.text


def test_delivery_gives_up_after_its_attempts_and_follows_no_redirect(flaky_server):
    """Redirects every time: refused (not followed) each time, and given up after ATTEMPTS."""
    port, answers, seen = flaky_server
    answers.extend([302] * webhook.ATTEMPTS)
    settings = Settings(webhook_hosts=("127.0.0.1",), webhook_timeout=5)
    assert webhook.deliver(f"http://127.0.0.1:{port}/hook", {"state": "done"}, settings) is False
    assert seen == [302] * webhook.ATTEMPTS
