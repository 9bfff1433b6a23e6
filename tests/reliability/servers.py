"""Real servers for the reliability tests, each on a free loopback port: `docgen serve`, PostgreSQL, Redis.

Every server here is started by the test that needs it and stopped by it; the machine's own
PostgreSQL and Redis are never touched.
"""

from __future__ import annotations

import glob
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DOCGEN = str(Path(sys.executable).with_name("docgen"))
START_SECONDS = 60


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, timeout: float = 5, headers: dict | None = None) -> tuple[int, bytes]:
    """GET a path of a server on 127.0.0.1: status and body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def wait_until(ready, what: str, seconds: float = START_SECONDS) -> None:
    """Poll `ready()` until it is true; RuntimeError naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start within {seconds} s")


class Docgen:
    """`docgen serve` on a free loopback port with its own instance folder and environment."""

    def __init__(self, instance: Path, workers: int = 2, **env: str):
        """Configure the server; started by __enter__."""
        self.port = free_port()
        self.env = {**os.environ, "DOCGEN_INSTANCE_PATH": str(instance), "DOCGEN_RATELIMIT_ENABLED": "false", **env}
        self.command = [DOCGEN, "serve", "--port", str(self.port), "--workers", str(workers)]
        self.log = instance.parent / f"docgen-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Docgen:
        """Start it and wait until /healthz answers."""
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(self.command, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        wait_until(lambda: self.process.poll() is None and get(self.port, "/healthz", 1)[0] == 200, "docgen serve")
        return self

    def __exit__(self, *exc_info) -> None:
        """Stop it (SIGTERM: gunicorn's graceful stop), waiting for the end."""
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def postgres_bin() -> Path | None:
    """The folder of Debian's PostgreSQL server programs (initdb, pg_ctl), the newest if several."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


class Postgres:
    """A PostgreSQL cluster of our own in a temporary folder, on a free loopback port, trust authentication.

    PostgreSQL refuses to run as root: as root, the folder is given to the `postgres` user (which
    Debian's server package creates) and the programs run as it.
    """

    def __init__(self):
        """Create the cluster (initdb) in a new temporary folder; started by start(), removed by remove()."""
        self.bin, self.port = postgres_bin(), free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="docgen-pg-"))  # not under pytest's root-only folders
        self.data = self.folder / "data"
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.folder, self.user)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8")
        self.options = f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.folder} -c fsync=off"

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of its postgres database."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        self._run("pg_ctl", "-D", str(self.data), "-o", self.options, "-l", str(self.folder / "log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: fast (disconnects clients) or immediate (as a crash)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        """Stop the server if it runs and delete the cluster."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, program: str, *args: str, check: bool = True) -> None:
        """Run one of the server's programs, as the cluster's user."""
        command = [str(self.bin / program), *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=check, capture_output=True, timeout=START_SECONDS)


class Redis:
    """A redis-server of our own on a free loopback port, without persistence unless asked."""

    def __init__(self, folder: Path, append_only: bool = True):
        """Configure it; started by start()."""
        self.folder, self.port = folder, free_port()
        folder.mkdir(parents=True, exist_ok=True)
        self.command = [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
                        "--dir", str(folder), "--save", "", "--appendonly", "yes" if append_only else "no",
                        "--appendfsync", "always"]
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """Its URL, database 0."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start it (again, with the data it kept) and wait until it answers."""
        self.process = subprocess.Popen(self.command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: socket.create_connection(("127.0.0.1", self.port), 1).close() is None, "redis-server")

    def stop(self) -> None:
        """Stop it at once (SIGKILL: as a crash; the append-only file keeps what was written)."""
        self.process.kill()
        self.process.wait()
