"""Two gunicorn workers, each with its compiled templates and its profile in memory, both switch to an
activated template version (and back after a rollback) and to a stored profile, without a restart."""

from __future__ import annotations

import io
import json
import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest

from schemas.profile import default_text

from .conftest import edited, shipped, text_of

EXAMPLE = json.loads((Path(__file__).resolve().parents[2] / "examples" / "policy.json").read_text("utf-8"))
del EXAMPLE["number"]
MARK = "中共某某研究院委员会文件"
VARIANT = edited(shipped("policy"), ("{{ issuer_mark }}", MARK))
SERVE = """
import sys
from service.server import Gunicorn
Gunicorn({"bind": sys.argv[1], "workers": 2, "accesslog": "-",
          "access_log_format": "served %({x-docgen-document-id}o)s by %(p)s"}).run()
"""


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(backend, tmp_path):
    """gunicorn with two workers on a fresh instance folder (and each backend); yields its URL and access log."""
    port, log = free_port(), tmp_path / "access.log"
    env = {**os.environ, "DOCGEN_INSTANCE_PATH": str(tmp_path / "instance"), "DOCGEN_QUEUE_URL": "immediate:",
           **{f"DOCGEN_{key}": value for key, value in backend.items()}}
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-c", SERVE, f"127.0.0.1:{port}"], env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while len(set(re.findall(r"served - by <(\d+)>", log.read_text()))) < 2:  # both workers answer
            assert time.monotonic() < deadline, "gunicorn did not start two workers"
            with ThreadPoolExecutor(4) as pool:
                list(pool.map(lambda _: healthy(url), range(8)))
        yield url, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def healthy(url: str) -> bool:
    """True once the server answers its health check (on a connection of its own)."""
    try:
        with urlopen(Request(f"{url}/healthz", headers={"Connection": "close"}), timeout=5):
            return True
    except OSError:
        time.sleep(0.1)
        return False


def post(url: str, path: str, body: bytes, content_type: str) -> tuple[bytes, dict]:
    """One request on its own connection (so the workers share them)."""
    request = Request(url + path, data=body, headers={"Content-Type": content_type, "Connection": "close"})
    with urlopen(request, timeout=60) as response:
        return response.read(), dict(response.headers)


def make_many(url: str, count: int = 12, kind: str = "policy", payload: dict = EXAMPLE) -> dict[str, str]:
    """Make `count` documents four at a time: each document's id and text."""
    def one(_):
        content, headers = post(url, f"/api/v1/documents/{kind}", json.dumps(payload).encode(), "application/json")
        return headers["X-Docgen-Document-Id"], text_of(content)

    with ThreadPoolExecutor(4) as pool:
        return dict(pool.map(one, range(count)))


def from_both(url: str, log: Path, kind: str = "policy", payload: dict = EXAMPLE) -> dict[str, str]:
    """Make documents until both workers have made some (a worker that wins every accept makes the rest wait)."""
    made: dict[str, str] = {}
    deadline = time.monotonic() + 120
    while len(set(workers_of(log, made).values())) < 2:
        assert time.monotonic() < deadline, "one worker served every request"
        made |= make_many(url, kind=kind, payload=payload)
    return made


def workers_of(log: Path, documents: dict[str, str]) -> dict[str, str]:
    """Which worker process served each document, from gunicorn's access log."""
    served = dict(re.findall(r"served (\S+) by <(\d+)>", log.read_text()))
    return {document: served[document] for document in documents}


def multipart(data: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with the file and activate=true."""
    boundary = "docgen-test-boundary"
    body = io.BytesIO()
    body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="activate"\r\n\r\ntrue\r\n'.encode())
    body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="t.docx"\r\n'
               "Content-Type: application/octet-stream\r\n\r\n".encode())
    body.write(data + f"\r\n--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


def test_both_workers_switch_without_restart(server):
    """Before: both workers use the shipped template; after one upload with activation: both use the new one."""
    url, log = server
    assert not any(MARK in text for text in from_both(url, log).values())
    post(url, "/api/v1/kinds/policy/templates", *multipart(VARIANT))
    assert all(MARK in text for text in from_both(url, log).values())
    post(url, "/api/v1/kinds/policy/templates/rollback", b"{}", "application/json")
    assert not any(MARK in text for text in from_both(url, log).values())


def test_both_workers_take_a_stored_profile_without_restart(server):
    """After one PUT of the profile, certificates of a new honour in the new series come from both workers."""
    url, log = server
    certificate = {**json.loads((Path(__file__).resolve().parents[2] / "examples" / "certificate.json")
                                .read_text("utf-8")), "honour": "技术能手"}
    certificate.pop("number", None)
    with pytest.raises(HTTPError) as refused:
        post(url, "/api/v1/documents/certificate", json.dumps(certificate).encode(), "application/json")
    assert refused.value.code == 422
    from_both(url, log)  # both workers have read the shipped profile
    profile = default_text().replace("中心党总支", "研究院党委") + '\n[[honours]]\nname = "技术能手"\nteam = false\n'
    request = Request(url + "/api/v1/profile", data=json.dumps({"toml": profile}).encode(), method="PUT",
                      headers={"Content-Type": "application/json", "Connection": "close"})
    urlopen(request, timeout=60).close()
    made = from_both(url, log, "certificate", certificate)
    assert all("技术能手" in text and "研究院党委证〔2026〕" in text for text in made.values())
