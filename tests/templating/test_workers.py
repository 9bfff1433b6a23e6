"""Two gunicorn workers, each with its compiled templates cached, both switch to an activated version
without a restart (and back after a rollback)."""

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
from urllib.request import Request, urlopen

import pytest

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
def server(tmp_path):
    """gunicorn with two workers on a fresh instance folder; yields its URL and its access log file."""
    port, log = free_port(), tmp_path / "access.log"
    env = {**os.environ, "DOCGEN_INSTANCE_PATH": str(tmp_path / "instance"), "DOCGEN_QUEUE_URL": "immediate:"}
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, "-c", SERVE, f"127.0.0.1:{port}"], env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urlopen(f"{url}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield url, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def post(url: str, path: str, body: bytes, content_type: str) -> tuple[bytes, dict]:
    """One request on its own connection (so the workers share them)."""
    request = Request(url + path, data=body, headers={"Content-Type": content_type, "Connection": "close"})
    with urlopen(request, timeout=60) as response:
        return response.read(), dict(response.headers)


def make_many(url: str, count: int = 24) -> dict[str, str]:
    """Make `count` policies four at a time: each document's id and text."""
    def one(_):
        content, headers = post(url, "/api/v1/documents/policy", json.dumps(EXAMPLE).encode(), "application/json")
        return headers["X-Docgen-Document-Id"], text_of(content)

    with ThreadPoolExecutor(4) as pool:
        return dict(pool.map(one, range(count)))


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
    before = make_many(url)
    assert len(set(workers_of(log, before).values())) == 2
    assert not any(MARK in text for text in before.values())
    post(url, "/api/v1/kinds/policy/templates", *multipart(VARIANT))
    after = make_many(url)
    assert len(set(workers_of(log, after).values())) == 2
    assert all(MARK in text for text in after.values())
    post(url, "/api/v1/kinds/policy/templates/rollback", b"{}", "application/json")
    back = make_many(url)
    assert len(set(workers_of(log, back).values())) == 2
    assert not any(MARK in text for text in back.values())
