"""Throughput and latency of the HTTP API under gunicorn, against the engine's in-process rate.

Run: python -m benchmarks.http [--clients 8] [--seconds 10]
Starts `docgen serve` on a free loopback port with a fresh instance and an API key (recording
on), sends a bounded closed-loop load of certificate requests, and prints documents/s, p50, p99
and the ratio to rendering the same certificate in-process. Target: >= 200 documents/s, p50 <= 10 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
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


def client_loop(port: int, body: bytes, headers: dict, stop: float, latencies: list, errors: list) -> None:
    """Send requests one after another until `stop`, recording each latency."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < stop:
        start = time.perf_counter()
        try:
            connection.request("POST", "/api/v1/documents/certificate", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            errors.append("connection")
            continue
        latencies.append(time.perf_counter() - start)
        if response.status != 201:
            errors.append(response.status)
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)


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
    parser.add_argument("--seconds", type=float, default=10.0)
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
            latencies: list[float] = []
            errors: list = []
            stop = time.monotonic() + args.seconds
            threads = [threading.Thread(target=client_loop, args=(port, body, headers, stop, latencies, errors)) for _ in range(args.clients)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=30)
    rate = len(latencies) / elapsed
    ordered = sorted(latencies)
    in_process = engine_rate(data)
    print(f"requests: {len(latencies)} in {elapsed:.1f} s with {args.clients} clients, errors: {len(errors)}")
    print(f"documents/s: {rate:.0f} (target >= 200)")
    print(f"p50: {statistics.median(ordered) * 1000:.1f} ms (target <= 10 ms), p99: {ordered[int(len(ordered) * 0.99) - 1] * 1000:.1f} ms")
    print(f"in-process validate+render: {in_process:.0f} documents/s; HTTP/in-process ratio: {rate / in_process:.2f}")


if __name__ == "__main__":
    main()
