"""Mixed load on `docgen serve` over PostgreSQL and Redis, with slow clients: no 5xx, /healthz stays quick, RSS flat.

Run: python -m benchmarks.load [--seconds 120] [--clients 16] [--slow 4]
Starts its own PostgreSQL cluster and redis-server on free loopback ports (tests/reliability/servers.py;
the machine's own servers are not touched) and `docgen serve` (2 workers) on them. Then:
1. baseline: one client alone, the same mix, 10 s: its p99;
2. warm-up: the full load for 15 s, then the server's RSS (arbiter and workers together);
3. load: --clients clients for --seconds, --slow of them sending each request's body 20 bytes a
   second (within the idle timeout, so each holds a thread for its whole request); the others
   run the mix: render a certificate (50 %), fetch a record and its file (20 %), list (20 %),
   a 20-row batch followed to its zip (10 %). A prober GETs /healthz every 0.25 s throughout.
Prints the count of each answer status (target: no 5xx), p50 and p99 of each call and the p99
of the load against the baseline's, the slowest /healthz (target: < 1 s) and the RSS at the end
against that after warm-up (target: within 10 %). Every loop is bounded in time; loopback only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import socket
import statistics
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

from tests.reliability.servers import Docgen, Postgres, Redis

ROOT = Path(__file__).resolve().parents[1]
CERTIFICATE = {key: value for key, value in json.loads((ROOT / "examples" / "certificate.json").read_text("utf-8")).items()
               if key != "number"}
JSON = {"Content-Type": "application/json"}
SLOW_BYTES, SLOW_PAUSE = 20, 1.0


class Results:
    """Latencies by call and answer statuses, shared by the client threads."""

    def __init__(self):
        """Empty results."""
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: Counter = Counter()
        self.ids: list[str] = []

    def add(self, call: str, status: int, seconds: float) -> None:
        """Record one answer."""
        with self.lock:
            self.latencies[call].append(seconds)
            self.statuses[status] += 1


def request(connection: http.client.HTTPConnection, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes, dict]:
    """One call on a kept-alive connection: status, body and headers."""
    connection.request(method, path, body=body, headers=JSON if body is not None else {})
    response = connection.getresponse()
    return response.status, response.read(), dict(response.headers)


def timed(results: Results, call: str, connection, method: str, path: str, body: bytes | None = None):
    """A call, its latency and status recorded."""
    started = time.monotonic()
    status, content, headers = request(connection, method, path, body)
    results.add(call, status, time.monotonic() - started)
    return status, content, headers


def one_of_the_mix(port: int, results: Results, connection, rng: random.Random) -> None:
    """One call (or a short sequence) of the mix."""
    pick = rng.random()
    if pick < 0.5 or not results.ids:
        body = json.dumps({**CERTIFICATE, "recipient": f"王喆{rng.randrange(10**6)}"}).encode()
        status, _, headers = timed(results, "render", connection, "POST", "/api/v1/documents/certificate", body)
        if status == 201:
            with results.lock:
                results.ids.append(headers["X-Docgen-Document-Id"])
    elif pick < 0.7:
        document = rng.choice(results.ids)
        timed(results, "fetch record", connection, "GET", f"/api/v1/documents/{document}")
        timed(results, "fetch file", connection, "GET", f"/api/v1/documents/{document}/file")
    elif pick < 0.9:
        timed(results, "list", connection, "GET", f"/api/v1/documents?limit=20&offset={rng.randrange(50)}")
    else:
        rows = [{**CERTIFICATE, "recipient": f"李堃{rng.randrange(10**6)}"} for _ in range(20)]
        status, content, _ = timed(results, "batch", connection, "POST", "/api/v1/batches/certificate", json.dumps(rows).encode())
        if status == 202:
            links = json.loads(content)["links"]
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                status, content, _ = timed(results, "batch progress", connection, "GET", links["self"])
                if status != 200 or json.loads(content)["state"] in ("done", "failed"):
                    break
                time.sleep(0.2)
            timed(results, "batch zip", connection, "GET", links["archive"])


def client(port: int, results: Results, until: float, seed: int) -> None:
    """A closed-loop client of the mix until `until`."""
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.monotonic() < until:
        try:
            one_of_the_mix(port, results, connection, rng)
        except (OSError, http.client.HTTPException):
            results.add("connection error", 0, 0.0)
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.close()


def slow_client(port: int, results: Results, until: float) -> None:
    """Render requests whose body trickles in SLOW_BYTES a second, until `until`."""
    body = json.dumps(CERTIFICATE).encode()
    head = (f"POST /api/v1/documents/certificate HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
    while time.monotonic() < until:
        started = time.monotonic()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
                sock.sendall(head)
                for start in range(0, len(body), SLOW_BYTES):
                    sock.sendall(body[start:start + SLOW_BYTES])
                    time.sleep(SLOW_PAUSE)
                status = int(sock.makefile("rb").readline().split()[1])
        except (OSError, IndexError, ValueError):
            status = 0
        results.add("slow render", status, time.monotonic() - started)


def prober(port: int, until: float, slowest: list[float]) -> None:
    """GET /healthz every 0.25 s until `until`; keeps the slowest answer's time (60 s for none)."""
    while time.monotonic() < until:
        started = time.monotonic()
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            ok = request(connection, "GET", "/healthz")[0] == 200
            connection.close()
        except OSError:
            ok = False
        slowest[0] = max(slowest[0], time.monotonic() - started if ok else 60.0)
        time.sleep(0.25)


def run(port: int, seconds: float, clients: int, slow: int) -> tuple[Results, float]:
    """Run the load; its results and the slowest /healthz."""
    results, slowest = Results(), [0.0]
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=client, args=(port, results, until, n)) for n in range(clients - slow)]
    threads += [threading.Thread(target=slow_client, args=(port, results, until)) for _ in range(slow)]
    threads.append(threading.Thread(target=prober, args=(port, until, slowest)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, slowest[0]


def rss(pid: int) -> int:
    """Resident memory of a process and its children, in bytes."""
    total = 0
    for process in [pid, *map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]:
        for line in Path(f"/proc/{process}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


def percentile(values: list[float], share: float) -> float:
    """The `share` quantile of `values`, in ms."""
    return statistics.quantiles(values, n=100, method="inclusive")[int(share * 100) - 1] * 1000 if len(values) > 1 else values[0] * 1000


def main() -> None:
    """Start the servers, run the baseline, the warm-up and the load, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--slow", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        postgres, redis = Postgres(), Redis(Path(folder) / "redis")
        postgres.start()
        redis.start()
        try:
            with Docgen(Path(folder) / "instance", DATABASE_URL=postgres.url, DOCGEN_QUEUE_URL=redis.url) as server:
                baseline, _ = run(server.port, 10, 1, 0)
                run(server.port, 15, args.clients, args.slow)
                warm = rss(server.process.pid)
                results, slowest = run(server.port, args.seconds, args.clients, args.slow)
                end = rss(server.process.pid)
        finally:
            redis.stop()
            postgres.remove()
    every = [value for values in results.latencies.values() for value in values]
    base = [value for values in baseline.latencies.values() for value in values]
    print(f"load: {args.clients} clients ({args.slow} slow) for {args.seconds:.0f} s on PostgreSQL + Redis, 2 workers")
    print(f"  answers by status: {dict(sorted(results.statuses.items()))}; 5xx: "
          f"{sum(n for status, n in results.statuses.items() if status >= 500)} (target 0)")
    for call, values in sorted(results.latencies.items()):
        print(f"  {call:15} {len(values):6} calls  p50 {percentile(values, 0.5):8.1f} ms  p99 {percentile(values, 0.99):8.1f} ms")
    print(f"  p99 of all calls {percentile(every, 0.99):.1f} ms; one client alone (baseline) {percentile(base, 0.99):.1f} ms; "
          f"ratio {percentile(every, 0.99) / percentile(base, 0.99):.1f}")
    print(f"  slowest /healthz: {slowest * 1000:.0f} ms (target < 1000 ms)")
    print(f"  RSS after warm-up {warm / 2**20:.0f} MiB, at the end {end / 2**20:.0f} MiB: ratio {end / warm:.3f} (target <= 1.10)")


if __name__ == "__main__":
    main()
