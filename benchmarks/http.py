"""Throughput and latency of the HTTP API under gunicorn, against the engine's in-process rate.

Run: python -m benchmarks.http [--clients 8] [--seconds 10] [--rate 200]
Starts `docgen serve` on a free loopback port with a fresh instance and an API key (recording
on) and sends certificate requests from --clients closed-loop clients (8) twice: flat out (each
client sends its next request as soon as the last is answered), for the most documents/s, then
bounded: paced together at --rate requests/s (200), for the latency at that load. Prints documents/s, p50 and p99 of
both, and the ratio to rendering the same certificate in-process. Targets: >= 200 documents/s,
p50 <= 10 ms (at 200/s; flat out, 8 clients queue behind 2 workers, so p50 there is about
8 / documents-per-second by Little's law).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCGEN = str(Path(sys.executable).with_name("docgen"))


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def create_key(env: dict) -> str:
    """Create a render key on the benchmark's instance."""
    out = subprocess.run([DOCGEN, "keys", "create", "bench", "--scope", "render"], env=env, capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def wait_ready(port: int, timeout: float = 30) -> None:
    """Wait until /healthz answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


class Connection(http.client.HTTPConnection):
    """An HTTP connection that sends each packet at once (TCP_NODELAY), as curl and wrk do.

    http.client writes a request's headers and body separately; with Nagle's algorithm on, the
    body then waits for the server's delayed ACK of the headers, which would be measured as
    server latency.
    """

    def connect(self) -> None:
        """Connect, then turn Nagle's algorithm off."""
        super().connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def client_loop(port: int, body: bytes, headers: dict, stop: float, slots: Iterator[float] | None,
                latencies: list, errors: list) -> None:
    """Send requests until `stop`, recording each latency: back to back, or each at its slot of a schedule.

    A paced request's latency counts from its slot, not from when it was sent: a server that falls
    behind is charged for the wait it causes (no coordinated omission).
    """
    connection = Connection("127.0.0.1", port, timeout=30)
    while time.monotonic() < stop:
        start = time.perf_counter()
        if slots is not None:
            start = next(slots)
            time.sleep(max(0.0, start - time.perf_counter()))
        try:
            connection.request("POST", "/api/v1/documents/certificate", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = Connection("127.0.0.1", port, timeout=30)
            errors.append("connection")
            continue
        latencies.append(time.perf_counter() - start)
        if response.status != 201:
            errors.append(response.status)
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
            connection = Connection("127.0.0.1", port, timeout=30)


def schedule(started: float, client: int, clients: int, rate: float) -> Iterator[float]:
    """The send times of one of `clients` paced clients: together `rate` requests/s, evenly spread."""
    for n in itertools.count():
        yield started + (n * clients + client) / rate


def load(port: int, body: bytes, headers: dict, clients: int, seconds: float, rate: float | None) -> dict:
    """Run `clients` closed-loop clients for `seconds`, unpaced or together paced at `rate` requests/s."""
    latencies: list[float] = []
    errors: list = []
    started = time.perf_counter()
    stop = time.monotonic() + seconds
    threads = []
    for client in range(clients):
        slots = schedule(started, client, clients, rate) if rate else None
        threads.append(threading.Thread(target=client_loop, args=(port, body, headers, stop, slots, latencies, errors)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(latencies)
    return {"count": len(ordered), "rate": len(ordered) / (time.perf_counter() - started), "errors": len(errors),
            "p50": statistics.median(ordered) * 1000, "p99": ordered[int(len(ordered) * 0.99) - 1] * 1000}


def engine_rate(data: dict, count: int = 500) -> float:
    """Documents per second rendering the same certificate in-process (validate + render)."""
    from service.catalog import Catalog

    kind = Catalog().get("certificate")
    start = time.perf_counter()
    for _ in range(count):
        kind.render(kind.check(data).data)
    return count / (time.perf_counter() - start)


def main() -> None:
    """Start the server, load it, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each of the two runs")
    parser.add_argument("--rate", type=float, default=200.0, help="requests/s of the paced run (all clients together)")
    args = parser.parse_args()
    data = json.loads((ROOT / "examples" / "certificate.json").read_text(encoding="utf-8"))
    data.pop("number", None)
    with tempfile.TemporaryDirectory() as instance:
        env = {**os.environ, "DOCGEN_INSTANCE_PATH": instance, "DOCGEN_RATELIMIT_DEFAULT": "1000000 per minute"}
        token = create_key(env)
        port = free_port()
        server = subprocess.Popen([DOCGEN, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_ready(port)
            body = json.dumps(data, ensure_ascii=False).encode()
            headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
            flat_out = load(port, body, headers, args.clients, args.seconds, None)
            paced = load(port, body, headers, args.clients, args.seconds, args.rate)
        finally:
            server.terminate()
            server.wait(timeout=30)
    in_process = engine_rate(data)
    print(f"flat out: {flat_out['count']} requests in {args.seconds:.0f} s with {args.clients} clients, errors: {flat_out['errors']}")
    print(f"  documents/s: {flat_out['rate']:.0f} (target >= 200); p50 {flat_out['p50']:.1f} ms, p99 {flat_out['p99']:.1f} ms")
    print(f"paced at {args.rate:.0f}/s: {paced['count']} requests, {paced['rate']:.0f}/s achieved, errors: {paced['errors']}")
    print(f"  p50 {paced['p50']:.1f} ms (target <= 10 ms), p99 {paced['p99']:.1f} ms")
    print(f"in-process validate+render: {in_process:.0f} documents/s; HTTP (flat out)/in-process ratio: {flat_out['rate'] / in_process:.2f}")


if __name__ == "__main__":
    main()
