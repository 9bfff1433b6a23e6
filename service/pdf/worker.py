"""One converter: a warm LibreOffice (soffice.bin) and the UNO bridge process that drives it."""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import time
import uuid
from pathlib import Path

SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-uno belongs to the system Python
BRIDGE = Path(__file__).with_name("unobridge.py")
OFFICE_ARGS = ["--headless", "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck"]
START_TIMEOUT = 60  # seconds for an office to start and accept the bridge
RECYCLE_AFTER = 500  # conversions before a fresh office: a long-lived one slowly grows
STOP_GRACE = 5  # seconds a process gets to exit before SIGKILL


class WorkerFailed(Exception):
    """A start or a conversion failed; the text says why, for logs."""


def office_binary() -> str | None:
    """soffice.bin next to the `soffice` on PATH, run directly so that its pid is the office's."""
    soffice = shutil.which("soffice")
    binary = Path(os.path.realpath(soffice)).with_name("soffice.bin") if soffice else None
    return str(binary) if binary and binary.exists() else None


class Worker:
    """One LibreOffice process with its own profile, and the bridge that talks UNO to it."""

    def __init__(self, home: Path, env: dict[str, str], timeout: float):
        """A stopped converter working in `home`, with `timeout` seconds per conversion."""
        self.home, self.env, self.timeout = home, env, timeout
        self.office: subprocess.Popen | None = None
        self.bridge: subprocess.Popen | None = None
        self._office_exit: int | None = None  # a pidfd: readable once the office has exited
        self.conversions = 0
        self._buffer = b""

    @property
    def running(self) -> bool:
        """Both processes are alive."""
        return bool(self.office and self.bridge) and self.office.poll() is None and self.bridge.poll() is None

    def ensure_running(self) -> None:
        """(Re)start the processes if one died or the office has converted RECYCLE_AFTER documents."""
        if not self.running or self.conversions >= RECYCLE_AFTER:
            self.stop()
            self.start()

    def start(self) -> None:
        """Start the office and the bridge; return once the bridge is connected."""
        self.home.mkdir(parents=True, exist_ok=True)
        profile = self.home / "profile"
        if not (profile / "user").is_dir():
            self._create_profile(profile)
        pipe = f"docgen-{os.getpid()}-{uuid.uuid4().hex}"
        office = [office_binary(), *OFFICE_ARGS, f"-env:UserInstallation={profile.as_uri()}",
                  f"--accept=pipe,name={pipe};urp;"]
        with open(self.home / "converter.log", "wb") as log:
            self.office = subprocess.Popen(
                office, env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
            )
            self.bridge = subprocess.Popen(
                [SYSTEM_PYTHON, "-I", str(BRIDGE), pipe, str(self.office.pid), str(START_TIMEOUT)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, bufsize=0, start_new_session=True,
            )
        self._office_exit = os.pidfd_open(self.office.pid)
        self._buffer, self.conversions = b"", 0
        self._exchange(None, START_TIMEOUT)

    def convert(self, docx: bytes) -> bytes:
        """The PDF of `docx`; WorkerFailed if the office reports an error, dies or hangs."""
        source, target = self.home / "in.docx", self.home / "out.pdf"
        source.write_bytes(docx)
        self.conversions += 1
        try:
            answer = self._exchange({"in": str(source), "out": str(target)}, self.timeout)
            if not answer.get("ok"):
                if answer.get("lost"):
                    self.stop()
                raise WorkerFailed(answer.get("error", "no PDF"))
            return target.read_bytes()
        finally:
            source.unlink(missing_ok=True)
            target.unlink(missing_ok=True)

    @property
    def pid(self) -> int | None:
        """Process id of the office, if it runs."""
        return self.office.pid if self.running else None

    def stop(self, graceful: bool = False) -> None:
        """End both processes: gracefully lets the bridge quit the office; else SIGKILL at once."""
        if self.bridge and graceful:
            self.bridge.stdin.close()
        for process in (self.bridge, self.office):
            if process is None:
                continue
            if not graceful:
                process.kill()
            try:
                process.wait(STOP_GRACE)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self.bridge:
            for stream in (self.bridge.stdin, self.bridge.stdout):
                stream.close()
        if self._office_exit is not None:
            os.close(self._office_exit)
        self.office = self.bridge = self._office_exit = None

    def _create_profile(self, profile: Path) -> None:
        """Create the office's profile in a run of its own (a first start would exit to restart)."""
        command = [office_binary(), "--headless", "--terminate_after_init", f"-env:UserInstallation={profile.as_uri()}"]
        try:
            subprocess.run(command, env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=START_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise WorkerFailed(f"creating a profile took more than {START_TIMEOUT} s") from None

    def _exchange(self, request: dict | None, limit: float) -> dict:
        """Send `request` (if any), return the answer within `limit` s; else stop both and raise."""
        try:
            if request is not None:
                self.bridge.stdin.write(json.dumps(request).encode() + b"\n")
            return self._receive(time.monotonic() + limit)
        except (OSError, ValueError, WorkerFailed) as error:
            self.stop()
            raise WorkerFailed(str(error) or type(error).__name__) from None

    def _receive(self, deadline: float) -> dict:
        """The next JSON line from the bridge, waiting until `deadline` at most, or until the office exits.

        A killed office fails its conversion at once: its bridge may wait on the lost UNO call
        until the timeout, so the office's own exit is watched too.
        """
        fd = self.bridge.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            ready = select.select([fd, self._office_exit], [], [], remaining)[0] if remaining > 0 else []
            if not ready:
                raise WorkerFailed("no answer in time: killed")
            if fd not in ready:
                raise WorkerFailed(f"LibreOffice exited (status {self.office.wait()}); see {self.home / 'converter.log'}")
            chunk = os.read(fd, 4096)
            if not chunk:
                raise WorkerFailed(f"converter exited; see {self.home / 'converter.log'}")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return json.loads(line)
