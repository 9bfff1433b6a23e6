"""POST /api/v1/documents/{kind} and the records: real app, real SQLite, real .docx files."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from urllib.parse import unquote

import docx
import pytest

from service.catalog import Catalog

from .conftest import example

KINDS = [kind.id for kind in Catalog()]


def text_of(content: bytes) -> str:
    """All text of a .docx body, tables included."""
    document = docx.Document(io.BytesIO(content))
    return "\n".join(p.text for p in document.element.body.iter() if hasattr(p, "text") and p.tag.endswith("}p"))


@pytest.mark.parametrize("kind", KINDS)
def test_every_example_makes_a_recorded_document(client, kind):
    """201 with the .docx, its Chinese name, a Location that gives the record and the same file."""
    response = client.post(f"/api/v1/documents/{kind}", json=example(kind))
    assert response.status_code == 201, response.get_json()
    assert response.mimetype.endswith("wordprocessingml.document")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    docx.Document(io.BytesIO(response.data))
    record = client.get(response.headers["Location"]).get_json()
    assert record["kind"] == kind
    assert len(record["template_version"]) == 64
    assert record["size"] == len(response.data)
    assert record["created_by"] == "local"
    assert record["filename"] in unquote(response.headers["Content-Disposition"])
    assert client.get(response.headers["Location"] + "/file").data == response.data


def test_validation_errors_are_all_listed_with_paths(client):
    """422 problem+json lists every error, 0-based paths, Chinese messages; nothing recorded."""
    data = example("meeting-minutes")
    data["attendees"][1]["name"] = ""
    del data["title"]
    data["surprise"] = 1
    response = client.post("/api/v1/documents/meeting-minutes", json=data)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    paths = {error["path"] for error in problem["errors"]}
    assert {"attendees[1].name", "title", "surprise"} <= paths
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in error["message"]) for error in problem["errors"])
    assert client.get("/api/v1/documents").get_json()["total"] == 0


def test_numbers_are_allocated_in_order_and_duplicates_refused(client):
    """Omitted certificate numbers come out consecutive; a used number supplied again is 409."""
    data = example("certificate")
    data.pop("number", None)
    numbers = [unquote(client.post("/api/v1/documents/certificate", json=data).headers["X-Docgen-Number"]) for _ in range(3)]
    series = numbers[0].split("〔")[0]
    year = data["date"][:4]
    assert numbers == [f"{series}〔{year}〕{n}号" for n in (1, 2, 3)]
    taken = client.post("/api/v1/documents/certificate", json={**data, "number": numbers[1]})
    assert taken.status_code == 409
    assert taken.mimetype == "application/problem+json"


def test_supplied_number_is_printed(client):
    """A supplied 发文字号 is registered and appears in the document."""
    data = example("policy")
    response = client.post("/api/v1/documents/policy", json=data)
    assert response.status_code == 201
    assert unquote(response.headers["X-Docgen-Number"]) == data["number"]
    assert data["number"] in text_of(response.data)


def test_idempotency_key_returns_the_same_document(app, client):
    """Same key and body: the same record and bytes, no second number, no second file; another body: 409."""
    data = example("certificate")
    headers = {"Idempotency-Key": "hr-2026-0001"}
    first = client.post("/api/v1/documents/certificate", json=data, headers=headers)
    second = client.post("/api/v1/documents/certificate", json=data, headers=headers)
    assert first.status_code == 201 and second.status_code == 200
    assert first.headers["Location"] == second.headers["Location"]
    assert first.data == second.data
    assert client.get("/api/v1/documents").get_json()["total"] == 1
    other = client.post("/api/v1/documents/certificate", json={**data, "recipient": "李堃"}, headers=headers)
    assert other.status_code == 409
    stored = list((Path(app.instance_path) / "files" / "documents").iterdir())
    assert [path.name for path in stored] == [f"{first.headers['X-Docgen-Document-Id']}.docx"]


def test_documents_rendered_before_numbering_leave_no_file_when_not_recorded(app, client):
    """Replayed minutes (rendered before the transaction) and a certificate with a taken number store nothing."""
    minutes = example("meeting-minutes")
    first = client.post("/api/v1/documents/meeting-minutes", json=minutes, headers={"Idempotency-Key": "m-1"})
    again = client.post("/api/v1/documents/meeting-minutes", json=minutes, headers={"Idempotency-Key": "m-1"})
    certificate = client.post("/api/v1/documents/certificate", json=example("certificate"))
    number = unquote(certificate.headers["X-Docgen-Number"])
    taken = client.post("/api/v1/documents/certificate", json={**example("certificate"), "number": number})
    assert (first.status_code, again.status_code, certificate.status_code, taken.status_code) == (201, 200, 201, 409)
    stored = sorted(path.name for path in (Path(app.instance_path) / "files" / "documents").iterdir())
    made = [first.headers["X-Docgen-Document-Id"], certificate.headers["X-Docgen-Document-Id"]]
    assert stored == sorted(f"{document_id}.docx" for document_id in made)


def test_warnings_are_counted_and_recorded(client):
    """A committee meeting without quorum is made, with the warning counted and recorded."""
    data = example("meeting-minutes")
    response = client.post("/api/v1/documents/meeting-minutes", json=data)
    record = client.get(response.headers["Location"]).get_json()
    assert int(response.headers["X-Docgen-Warnings"]) == len(record["warnings"])


def test_listing_filters_and_pages(client):
    """GET /documents pages newest first and filters by kind and date."""
    for kind in ("certificate", "certificate", "policy"):
        data = example(kind)
        data.pop("number", None)
        assert client.post(f"/api/v1/documents/{kind}", json=data).status_code == 201
    page = client.get("/api/v1/documents?kind=certificate&limit=1").get_json()
    assert page["total"] == 2 and len(page["items"]) == 1 and page["items"][0]["kind"] == "certificate"
    assert client.get("/api/v1/documents?from=2000-01-01&to=2000-01-02").get_json()["total"] == 0
    bad = client.get("/api/v1/documents?limit=0")
    assert bad.status_code == 422 and bad.mimetype == "application/problem+json"


def test_unknown_record_is_404(client):
    """An unknown document id is a 404 problem."""
    response = client.get("/api/v1/documents/no-such-id")
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


def test_logs_hold_no_personal_data_or_keys(client, make_key, caplog):
    """Access logs name the route and status, never the data, query values or the key."""
    token = make_key("render", "read")
    data = example("certificate")
    with caplog.at_level("INFO", logger="docgen.access"):
        client.post("/api/v1/documents/certificate", json=data, headers={"X-API-Key": token})
        client.get("/api/v1/documents?kind=certificate", headers={"X-API-Key": token})
    logged = caplog.text
    assert "/api/v1/documents/certificate" in logged and "201" in logged
    assert token not in logged and token[:15] not in logged
    assert data["recipient"] not in logged and "kind=certificate" not in logged


def test_ops_endpoints(client):
    """healthz, readyz and Prometheus metrics answer."""
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json() == {"status": "ready"}
    client.post("/api/v1/documents/certificate", json=example("certificate"))
    metrics = client.get("/metrics").get_data(as_text=True)
    assert 'docgen_documents_total{kind="certificate"}' in metrics


def test_openapi_and_docs_are_local(client):
    """OpenAPI 3.1 with each kind's input schema; the docs page loads only local assets."""
    spec = client.get("/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0"
    assert "MeetingMinutesInput" in spec["components"]["schemas"]
    page = client.get("/api/docs").get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page and "https://" not in page
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_admin_adopts_a_counter_and_voids_a_number(client, make_key):
    """Admin keys set the next serial and void numbers; voided numbers are skipped; others get 403."""
    admin = {"X-API-Key": make_key("admin", name="admin")}
    render = {"X-API-Key": make_key("render", name="render")}
    series = "中心党总支证"
    assert client.put(f"/api/v1/numbers/{series}/2026/next", json={"next_serial": 20}, headers=render).status_code == 403
    assert client.put(f"/api/v1/numbers/{series}/2026/next", json={"next_serial": 20}, headers=admin).status_code == 204
    voided = client.post(f"/api/v1/numbers/{series}/2026/20/void", json={"reason": "印制错误"}, headers=admin)
    assert voided.status_code == 200 and voided.get_json()["void_reason"] == "印制错误"
    assert client.post(f"/api/v1/numbers/{series}/2026/20/void", json={"reason": "再次"}, headers=admin).status_code == 409
    data = {**example("certificate"), "date": "2026-03-05"}
    data.pop("number", None)
    made = client.post("/api/v1/documents/certificate", json=data, headers=render)
    assert unquote(made.headers["X-Docgen-Number"]) == f"{series}〔2026〕21号"
    back = client.put(f"/api/v1/numbers/{series}/2026/next", json={"next_serial": 5}, headers=admin)
    assert back.status_code == 409 and back.mimetype == "application/problem+json"


@pytest.mark.parametrize(("kind", "name"), [
    ("certificate", "certificate-2026-03-05-no1.docx"),
    ("branch-manual", "branch-manual-2026-03-05.docx"),
])
def test_the_ascii_file_name_says_kind_date_and_serial(client, kind, name):
    """filename= (read by curl -OJ and other clients that ignore filename*) is plain ASCII that reads well;
    downloading the record again gives the same names."""
    data = {**example(kind), "number": None} if kind == "certificate" else example(kind)
    response = client.post(f"/api/v1/documents/{kind}", json=data)
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="{name}"; filename*=UTF-8\'\'')
    assert client.get(response.headers["Location"] + "/file").headers["Content-Disposition"] == disposition


def test_json_answers_are_utf8_not_escapes(client):
    """Records, kinds, the OpenAPI document and problems carry Chinese as UTF-8 text."""
    client.post("/api/v1/documents/certificate", json=example("certificate"))
    bad = client.post("/api/v1/documents/certificate", json={})
    for response in (client.get("/api/v1/documents"), client.get("/api/v1/kinds"), client.get("/openapi.json"), bad):
        assert not re.search(rb"\\u[4-9][0-9a-f]{3}", response.data)  # no escaped CJK (patterns keep \u3000 etc.)
        assert "荣誉证书".encode() in response.data or "此项必填".encode() in response.data


def test_a_made_document_carries_no_retry_after(client):
    """201 (and a replay's 200) say nothing about retrying; the rate-limit counters stay."""
    made = client.post("/api/v1/documents/certificate", json=example("certificate"), headers={"Idempotency-Key": "k1"})
    replay = client.post("/api/v1/documents/certificate", json=example("certificate"), headers={"Idempotency-Key": "k1"})
    assert (made.status_code, replay.status_code) == (201, 200)
    for response in (made, replay, client.get("/api/v1/kinds")):
        assert "Retry-After" not in response.headers
        assert "X-RateLimit-Remaining" in response.headers


def test_openapi_documents_every_header_of_a_made_document(client):
    """Each kind's 201 lists the headers a real 201 carries; downloads list Content-Disposition; 429 and 503 Retry-After."""
    spec = client.get("/openapi.json").get_json()
    made = client.post("/api/v1/documents/certificate", json=example("certificate"))
    sent = set(made.headers.keys()) - {"Content-Type", "Content-Length", "Vary"}
    for kind in KINDS:
        documented = spec["paths"][f"/api/v1/documents/{kind}"]["post"]["responses"]["201"]["headers"]
        assert sent <= set(documented), sent - set(documented)
        assert all(header["description"] for header in documented.values())
    download = spec["paths"]["/api/v1/documents/{document_id}/file"]["get"]["responses"]["200"]
    assert "Content-Disposition" in download["headers"]
    for name in ("TOO_MANY_REQUESTS", "SERVICE_UNAVAILABLE"):
        assert "Retry-After" in spec["components"]["responses"][name]["headers"]


def test_openapi_documents_the_headers_of_every_download_and_of_an_accepted_batch(client):
    """Every answer that is a file lists Content-Disposition; a batch's 202 lists its Location."""
    spec = client.get("/openapi.json").get_json()
    files = [(path, method, status) for path, operations in spec["paths"].items() for method, operation in operations.items()
             if isinstance(operation, dict) for status, response in operation.get("responses", {}).items()
             if status.startswith("2") and any(media.startswith(("application/vnd.", "application/pdf", "application/zip",
                                                                  "image/")) for media in response.get("content", {}))]
    assert len(files) >= 8
    for path, method, status in files:
        documented = spec["paths"][path][method]["responses"][status].get("headers", {})
        assert "Content-Disposition" in documented, (path, method, status)
    accepted = client.post("/api/v1/batches/certificate", json=[example("certificate")])
    assert accepted.status_code == 202 and accepted.headers["Location"]
    assert "Location" in spec["paths"]["/api/v1/batches/certificate"]["post"]["responses"]["202"]["headers"]


def test_a_preview_is_neither_numbered_nor_recorded(client):
    """?preview=true: 200 with the document (× for the serial, 预览- file name), no record, no number used."""
    data = {**example("certificate"), "number": None}
    preview = client.post("/api/v1/documents/certificate?preview=true", json=data)
    assert preview.status_code == 200
    assert preview.headers["X-Docgen-Preview"] == "true"
    assert "Location" not in preview.headers and "X-Docgen-Number" not in preview.headers
    assert preview.headers["Content-Disposition"].startswith('attachment; filename="preview-certificate.docx"')
    assert unquote(preview.headers["Content-Disposition"]).endswith("''预览-荣誉证书-王喆-月度之星-2026年2月.docx")
    assert "中心党总支证〔2026〕×号" in text_of(preview.data)
    assert client.get("/api/v1/documents").get_json()["total"] == 0
    made = client.post("/api/v1/documents/certificate", json=data)
    assert unquote(made.headers["X-Docgen-Number"]) == "中心党总支证〔2026〕1号"


def test_a_preview_of_invalid_data_lists_the_errors(client):
    """Invalid data is 422 with every error, as for a real document; a bad preview value is 400."""
    invalid = client.post("/api/v1/documents/certificate?preview=true", json={})
    assert invalid.status_code == 422 and {"recipient", "date"} <= {e["path"] for e in invalid.get_json()["errors"]}
    assert client.post("/api/v1/documents/certificate?preview=yes", json=example("certificate")).status_code == 400


def test_a_preview_carries_its_warnings(client):
    """With no record to fetch them from, a preview's warnings come in X-Docgen-Warning-Messages."""
    data = {**example("meeting-minutes"), "chair": "李四"}
    preview = client.post("/api/v1/documents/meeting-minutes?preview=true", json=data)
    assert preview.headers["X-Docgen-Warnings"] == "1"
    warnings = json.loads(unquote(preview.headers["X-Docgen-Warning-Messages"]))
    assert warnings == [{"path": "chair", "message": "主持人“李四”不在出席人员名单中"}]
    quiet = client.post("/api/v1/documents/meeting-minutes?preview=true", json=example("meeting-minutes"))
    assert json.loads(unquote(quiet.headers["X-Docgen-Warning-Messages"])) == []
