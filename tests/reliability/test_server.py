"""`docgen serve` keeps answering while clients send slowly, and answers a malformed body with a 4xx."""

from __future__ import annotations

import json
import socket
import time

import pytest

from service.server import IDLE_TIMEOUT
from tests.api.conftest import example

from .servers import Docgen, get

SLOW_CLIENTS = 6  # more than the processes (2): each holds a thread, not a process


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """docgen serve with 2 worker processes on its own instance."""
    with Docgen(tmp_path_factory.mktemp("serve") / "instance", workers=2) as running:
        yield running


def connect(port: int) -> socket.socket:
    """A raw connection to the server."""
    return socket.create_connection(("127.0.0.1", port), timeout=IDLE_TIMEOUT * 3)


def answer(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def test_slow_clients_do_not_stop_the_service(server):
    """Clients stalled mid-body and mid-header: /healthz and a real request are answered meanwhile, and
    each stalled client gets 408 (or, mid-header, is disconnected) after IDLE_TIMEOUT s of silence."""
    body = json.dumps(example("certificate")).encode()
    slow = []
    for n in range(SLOW_CLIENTS):
        sock = connect(server.port)
        if n % 2:
            sock.sendall(b"GET /api/v1/kinds HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # the header never ends
        else:
            sock.sendall(b"POST /api/v1/documents/certificate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         + f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:10])  # the body never ends
        slow.append(sock)
    time.sleep(1)  # the slow ones have been taken up by threads
    started = time.monotonic()
    latencies = []
    for _ in range(20):
        before = time.monotonic()
        assert get(server.port, "/healthz", timeout=5)[0] == 200
        latencies.append(time.monotonic() - before)
        time.sleep(0.05)
    status, _ = get(server.port, "/api/v1/kinds", timeout=5)
    assert status == 200
    answers = [answer(sock) for sock in slow]
    waited = time.monotonic() - started
    for n, received in enumerate(answers):
        if n % 2:
            assert received == b"" or received.startswith(b"HTTP/1.1 4"), received[:100]
        else:
            assert received.startswith(b"HTTP/1.1 408"), received[:200]
            assert b"application/problem+json" in received
    for sock in slow:
        sock.close()
    print(f"{SLOW_CLIENTS} stalled clients: /healthz max {max(latencies) * 1000:.0f} ms over 20 calls; "
          f"stalled clients released after {waited:.1f} s (idle timeout {IDLE_TIMEOUT} s)")


@pytest.mark.parametrize("chunks", [
    b"zz\r\n{}\r\n0\r\n\r\n",           # not a hexadecimal size
    b"2\r\n{}XX0\r\n\r\n",              # no CRLF after the chunk
    b"5\r\n{}",                         # the connection ends mid-chunk
])
def test_a_malformed_chunked_body_is_a_400_problem(server, chunks):
    """Transfer-Encoding: chunked with a broken chunk: 400 application/problem+json, never 500."""
    sock = connect(server.port)
    sock.sendall(b"POST /api/v1/documents/certificate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunks)
    sock.shutdown(socket.SHUT_WR)
    received = answer(sock)
    sock.close()
    assert received.startswith(b"HTTP/1.1 400"), received[:300]
    assert b"application/problem+json" in received
    assert get(server.port, "/healthz")[0] == 200
