"""/api/v1/batches: upload, progress, zip, report, JSON arrays with webhooks, problems, scopes."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from service import create_app
from service.batch import consumer
from service.batch.writer import filled_sheet
from service.pdf.worker import office_binary
from service.store.db import writing
from service.store.keys import create_key
from service.store.models import Document as DocumentRecord

from .conftest import certificates, kind
from .test_upload import zip_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CERTIFICATES = "/api/v1/batches/certificate"
BOMBISH = b"0" * (8 << 20)


def upload(client, data: bytes, kind_id: str = "certificate", **kwargs):
    """POST a workbook as multipart field `file`."""
    return client.post(f"/api/v1/batches/{kind_id}", data={"file": (io.BytesIO(data), "名单.xlsx")},
                       content_type="multipart/form-data", **kwargs)


@pytest.fixture
def hook_server():
    """A local HTTP server recording the JSON bodies POSTed to it; yields (port, bodies)."""
    bodies: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        """Record each POST and answer 204."""

        def do_POST(self):
            """Keep the JSON body."""
            bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            """Stay quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], bodies
    server.shutdown()


def test_workbook_upload_gives_progress_zip_and_report(client):
    """202 + Location; the batch's counts; a zip in row order with UTF-8 names; the report of the bad row."""
    payloads = certificates(3) + [certificates(1)[0]]
    payloads[1]["date"] = "2026年13月1日"
    created = upload(client, filled_sheet(kind("certificate"), payloads))
    assert created.status_code == 202 and created.headers["Location"] == created.json["links"]["self"]
    progress = client.get(created.headers["Location"]).json
    assert {k: progress[k] for k in ("state", "total", "done", "failed", "percentage", "warnings")} == {
        "state": "done", "total": 4, "done": 3, "failed": 1, "percentage": 100, "warnings": 0}
    archive = client.get(progress["links"]["archive"])
    assert archive.mimetype == "application/zip"
    entries = zipfile.ZipFile(io.BytesIO(archive.data)).infolist()
    assert [e.filename for e in entries] == ["荣誉证书-王喆0-月度之星-2026年2月.docx", "荣誉证书-林赟2-月度之星-2026年2月.docx",
                                             "荣誉证书-王喆0-月度之星-2026年2月（2）.docx"]
    assert all(e.flag_bits & 0x800 for e in entries)
    report = load_workbook(io.BytesIO(client.get(progress["links"]["report"]).data))
    assert report["荣誉证书"]["I2"].comment.text == "没有这个日期或时间：2026-13-01"


def test_json_array_in_an_envelope_calls_the_webhook(tmp_path, hook_server):
    """{"documents": [...], "webhook": …} on an allowed host: the summary is POSTed when done."""
    port, bodies = hook_server
    app = create_app({"TESTING": True, "INSTANCE_PATH": tmp_path / "i", "QUEUE_URL": "immediate:",
                      "WEBHOOK_HOSTS": f"127.0.0.1:{port}"})
    url = f"http://127.0.0.1:{port}/docgen"
    created = app.test_client().post("/api/v1/batches/certificate", json={"documents": certificates(2), "webhook": url})
    assert created.status_code == 202
    assert [(b["id"], b["state"], b["done"], b["total"]) for b in bodies] == [(created.json["id"], "done", 2, 2)]
    assert app.test_client().get(created.headers["Location"]).json["webhook_state"] == "delivered"


@pytest.mark.parametrize("url, message", [
    ("http://example.com/hook", "不在允许列表"), ("ftp://127.0.0.1/x", "http://"), ("http://u:p@127.0.0.1/x", "用户名"),
])
def test_webhooks_must_be_allowed(client, url, message):
    """A webhook off the allow-list (none configured here), of another scheme or with credentials is 422."""
    refused = client.post(f"/api/v1/batches/certificate?webhook={url}", json=certificates(1))
    assert refused.status_code == 422 and message in refused.json["detail"]


@pytest.mark.parametrize("send, status, detail", [
    (lambda c: upload(c, b"just text"), 422, "不是 Excel"),
    (lambda c: upload(c, zip_of({"[Content_Types].xml": b"<T/>", "xl/workbook.xml": b"<w/>", "xl/s.xml": BOMBISH})), 422, "压缩比异常"),
    (lambda c: c.post(CERTIFICATES, data={"other": "x"}, content_type="multipart/form-data"), 400, "字段应为 file"),
    (lambda c: c.post(CERTIFICATES, data="a,b", content_type="text/csv"), 415, "multipart/form-data"),
    (lambda c: c.post(CERTIFICATES, json=[]), 422, "文书数组"),
    (lambda c: c.post(f"{CERTIFICATES}?webhook=http://x/", json={"documents": [{}], "webhook": "http://x/"}), 400, "一处"),
    (lambda c: c.post("/api/v1/batches/no-such-kind", json=[{}]), 404, "没有“no-such-kind”"),
    (lambda c: c.get("/api/v1/batches/no-such-batch"), 404, "没有这个批量任务"),
])
def test_problems_are_problem_json_in_chinese(client, send, status, detail):
    """Bad uploads and unknown ids get RFC 9457 problems with a Chinese detail."""
    answer = send(client)
    assert answer.status_code == status and answer.mimetype == "application/problem+json"
    assert detail in answer.json["detail"]


def test_scopes_render_to_create_and_read_to_look(app, client):
    """A read key cannot start a batch; a render key cannot read one."""
    with writing(app.extensions["docgen"].sessions) as session:
        reader, renderer = create_key(session, "r", ["read"])[1], create_key(session, "w", ["render"])[1]
    refused = client.post("/api/v1/batches/certificate", json=certificates(1), headers={"Authorization": f"Bearer {reader}"})
    created = client.post("/api/v1/batches/certificate", json=certificates(1), headers={"Authorization": f"Bearer {renderer}"})
    looked = client.get(created.headers["Location"], headers={"Authorization": f"Bearer {renderer}"})
    assert (refused.status_code, created.status_code, looked.status_code) == (403, 202, 403)
    assert client.get(created.headers["Location"], headers={"Authorization": f"Bearer {reader}"}).json["done"] == 1


def test_blank_sheet_download(client):
    """GET /api/v1/kinds/{kind}/sheet gives the workbook to fill."""
    answer = client.get("/api/v1/kinds/meeting-minutes/sheet")
    assert answer.status_code == 200 and answer.mimetype == XLSX
    assert load_workbook(io.BytesIO(answer.data)).sheetnames[:2] == ["会议纪要", "出席人员"]


def test_results_wait_for_the_batch_and_one_embedded_consumer_runs_it(tmp_path):
    """With the SQLite queue, nothing runs until a consumer starts: 409 until done. Only one consumer per machine."""
    settings = {"TESTING": True, "INSTANCE_PATH": tmp_path / "i", "BATCH_REAP_SECONDS": 0.2}
    app, other = create_app(settings), create_app(settings)
    client = app.test_client()
    location = client.post("/api/v1/batches/certificate", json=certificates(3)).headers["Location"]
    assert client.get(location).json["state"] == "preparing"
    assert client.get(f"{location}/archive").status_code == 409
    assert consumer.start_embedded(app) is True and consumer.start_embedded(other) is False
    deadline = time.monotonic() + 30
    while client.get(location).json["state"] != "done" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert client.get(location).json["done"] == 3
    app.extensions["docgen-worker"][1].stop(graceful=True)


@pytest.mark.skipif(office_binary() is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it")
@pytest.mark.timeout(300)
def test_combined_pdf_holds_every_document_in_row_order(app, client):
    """GET …/pdf merges the batch's certificates into one PDF, one page each, in row order."""
    people = ["张喆", "李堃", "王赟"]
    documents = [{**row, "recipient": name} for row, name in zip(certificates(3), people)]
    created = client.post("/api/v1/batches/certificate", json=documents)
    assert created.status_code == 202
    response = client.get(created.headers["Location"] + "/pdf")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf"
    pages = subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.data, capture_output=True, check=True).stdout.decode()
    texts = pages.split("\f")
    assert [next(name for name in people if name in text) for text in texts if text.strip()] == people
    app.extensions["docgen-pdf"].converter().close()


def test_a_batch_document_is_downloaded_alone_from_its_chunk_pack(app, client):
    """Batch documents share one stored pack per chunk; each record's file is still its own .docx."""
    created = upload(client, filled_sheet(kind("certificate"), certificates(3)))
    with app.extensions["docgen"].sessions() as session:
        stored = {(d.file_key, d.file_entry is not None) for d in session.scalars(select(DocumentRecord))}
    assert len(stored) == 1 and stored.pop()[1]
    listing = client.get("/api/v1/documents", query_string={"kind": "certificate"}).json["items"]
    assert len(listing) == 3
    for record in listing:
        file = client.get(f"/api/v1/documents/{record['id']}/file")
        assert file.status_code == 200 and hashlib.sha256(file.data).hexdigest() == record["sha256"]
        assert record["data"]["recipient"] in "".join(Document(io.BytesIO(file.data)).element.body.itertext())
    assert created.status_code == 202
