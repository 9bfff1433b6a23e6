"""The template API through the real app: upload, check, preview, activate, roll back; on SQLite with local
files and on PostgreSQL with S3 (a moto server over HTTP)."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest

from service import create_app
from service.store.db import writing
from service.store.keys import create_key
from service.store.templates import file_key

from .conftest import edited, shipped, text_of
from .test_checks import MINUTES, RECORDER, with_relationship, zip_bomb

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
POLICY = json.loads((EXAMPLES / "policy.json").read_text("utf-8"))
del POLICY["number"]  # allocated, so that every document gets its own
VARIANT = edited(shipped("policy"), ("{{ issuer_mark }}", "中共某某研究院委员会文件"), ("{{ signatory }}", "某某研究院党委"))
TEMPLATES = "/api/v1/kinds/{}/templates"


@pytest.fixture
def app(backend, tmp_path):
    """The app on SQLite and local files, or on a scratch PostgreSQL database and an S3 bucket."""
    app = create_app({"TESTING": True, "INSTANCE_PATH": tmp_path / "instance", **backend})
    yield app
    app.extensions["docgen"].sessions.kw["bind"].dispose()


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


def upload(client, data: bytes, kind: str = "policy", **form):
    """POST a template file."""
    return client.post(TEMPLATES.format(kind), data={"file": (io.BytesIO(data), "红头.docx"), **form},
                       content_type="multipart/form-data")


def make_policy(client) -> tuple[str, str]:
    """Make a policy through the API: its text and the template version its record names."""
    made = client.post("/api/v1/documents/policy", json=POLICY)
    assert made.status_code == 201, made.get_json()
    record = client.get(made.headers["Location"]).get_json()
    return text_of(made.data), record["template_version"]


def stored_templates(app) -> list:
    """Every template version the store holds, across kinds."""
    services = app.extensions["docgen"]
    with services.sessions() as session:
        from service.store.models import TemplateVersion

        return session.query(TemplateVersion).all()


def test_upload_activate_and_roll_back_change_the_next_document(client):
    """A changed 红头 and signatory are used from the next document; a rollback brings the shipped one back."""
    text, version = make_policy(client)
    assert "中共某某研究院委员会文件" not in text and version == hashlib.sha256(shipped("policy")).hexdigest()
    made = upload(client, VARIANT, note="改红头和署名")
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["version"] == 1 and made.get_json()["warnings"] == []
    assert "中共某某研究院委员会文件" not in make_policy(client)[0]  # uploaded, not active yet
    assert client.post(TEMPLATES.format("policy") + "/1/activate").get_json()["active"] == 1
    text, version = make_policy(client)
    assert "中共某某研究院委员会文件" in text and "某某研究院党委" in text
    assert version == hashlib.sha256(VARIANT).hexdigest()
    listing = client.post(TEMPLATES.format("policy") + "/rollback").get_json()
    assert listing["active"] is None and listing["versions"][0]["active"] is False
    text, version = make_policy(client)
    assert "中共某某研究院委员会文件" not in text and version == hashlib.sha256(shipped("policy")).hexdigest()


def test_listing_names_who_when_hash_and_note(client):
    """Newest first, with the uploader, time, SHA-256, note and the active mark."""
    upload(client, VARIANT, note="第一次")
    upload(client, edited(VARIANT, ("某某研究院党委", "某某研究院党委会")), note="第二次", activate="true")
    listing = client.get(TEMPLATES.format("policy")).get_json()
    assert listing["active"] == 2
    assert [(v["version"], v["note"], v["active"]) for v in listing["versions"]] == [(2, "第二次", True), (1, "第一次", False)]
    first = listing["versions"][1]
    assert first["sha256"] == hashlib.sha256(VARIANT).hexdigest() and first["uploaded_by"] == "local" and first["uploaded_at"]
    listing = client.post(TEMPLATES.format("policy") + "/rollback", json={"version": 1}).get_json()
    assert listing["active"] == 1


def test_any_version_and_the_active_one_download_as_uploaded(client):
    """Version files come back byte for byte; `active` is the shipped template until one is activated."""
    assert client.get(TEMPLATES.format("policy") + "/active/file").data == shipped("policy")
    upload(client, VARIANT, activate="1")
    assert client.get(TEMPLATES.format("policy") + "/1/file").data == VARIANT
    assert client.get(TEMPLATES.format("policy") + "/active/file").data == VARIANT
    assert client.get(TEMPLATES.format("policy") + "/shipped/file").data == shipped("policy")
    assert client.get(TEMPLATES.format("policy") + "/7/file").status_code == 404


def test_preview_renders_the_example_with_the_version(client):
    """The preview is the kind's example in the uploaded template, before it is activated."""
    upload(client, VARIANT)
    preview = client.get(TEMPLATES.format("policy") + "/1/preview")
    assert preview.status_code == 200 and "中共某某研究院委员会文件" in text_of(preview.data)
    assert client.get(TEMPLATES.format("policy") + "/1/preview?format=gif").status_code == 400


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
                    reason="PDF and page previews need LibreOffice and poppler-utils")
def test_preview_as_pdf_and_page_image(client):
    """With the converter: a PDF of the example and a PNG of its first page."""
    upload(client, VARIANT)
    pdf = client.get(TEMPLATES.format("policy") + "/1/preview?format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    image = client.get(TEMPLATES.format("policy") + "/1/preview?format=png&page=1")
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")
    assert client.get(TEMPLATES.format("policy") + "/1/preview?format=png&page=99").status_code == 404


REFUSED = {
    "misspelt variable": (edited(MINUTES, (RECORDER, "{% for attendee in attendees %}{{ attendee.nmae }}{% endfor %}")),
                          "是否应为 name"),
    "broken tag": (edited(MINUTES, (RECORDER, "{{ recorder }")), "标签无法解析"),
    "macro-enabled": (edited(MINUTES, extra={"word/vbaProject.bin": b"\0" * 64}), "宏"),
    "external image": (with_relationship("image", "http://example.com/a.png"), "外部图片"),
    "sandbox escape": (edited(MINUTES, (RECORDER, "{{ ''.__class__.__mro__ }}")), "内部属性 __class__"),
    "zip bomb": (zip_bomb(), "压缩炸弹"),
    ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, "旧版 .doc"),
    "renamed .xlsx": ((EXAMPLES / "meeting-minutes.xlsx").read_bytes(), "不是 Word（.docx）文件"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_refused_uploads_say_why_and_change_nothing(app, client, case):
    """422 with the Chinese reason and its place; no version stored, the active template untouched."""
    data, expected = REFUSED[case]
    refused = upload(client, data, kind="meeting-minutes", activate="true")
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    body = refused.get_json()
    assert body["detail"] == "模板未通过检查，未保存。"
    assert any(expected in error["message"] for error in body["errors"]), body
    assert stored_templates(app) == []
    key = file_key("meeting-minutes", hashlib.sha256(data).hexdigest())
    assert not app.extensions["docgen"].storage.exists(key)
    assert client.get(TEMPLATES.format("meeting-minutes")).get_json()["active"] is None


class Body(io.RawIOBase):
    """A request body of `size` zero bytes that counts how much of it the server reads."""

    def __init__(self, size: int):
        super().__init__()
        self.size, self.position, self.read_bytes = size, 0, 0

    def readable(self) -> bool:
        """The server may read it."""
        return True

    def seekable(self) -> bool:
        """The test client measures it by seeking to its end."""
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Move without reading."""
        self.position = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence] + offset
        return self.position

    def tell(self) -> int:
        """Where the next read starts."""
        return self.position

    def readinto(self, buffer) -> int:
        """Hand out zeros, counting them."""
        count = max(0, min(len(buffer), self.size - self.position))
        buffer[:count] = b"\0" * count
        self.position += count
        self.read_bytes += count
        return count


def test_a_60_mb_upload_is_refused_before_it_is_read(app, client):
    """Past the request limit: a 422 problem saying the limit, like every refused upload; nothing read or stored."""
    body = Body(60 << 20)
    refused = client.post(TEMPLATES.format("policy"), input_stream=body, content_length=body.size,
                          content_type="multipart/form-data; boundary=x")
    assert body.read_bytes == 0
    assert refused.status_code == 422 and refused.mimetype == "application/problem+json"
    body = refused.get_json()
    assert body["detail"] == "模板未通过检查，未保存。"
    assert [error["message"] for error in body["errors"]] == ["文件过大（60.0 MB），上限为 20 MB。"]
    assert stored_templates(app) == []
    assert client.get(TEMPLATES.format("policy")).get_json()["active"] is None


def test_the_same_file_twice_is_a_conflict(client):
    """A second upload of identical bytes names the version that has them."""
    upload(client, VARIANT)
    again = upload(client, VARIANT)
    assert again.status_code == 409 and "第 1 版" in again.get_json()["detail"]


def test_templates_need_the_admin_scope(app, client):
    """A render or read key may not see or change templates."""
    with writing(app.extensions["docgen"].sessions) as session:
        token = create_key(session, "oa", ["render", "read"])[1]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get(TEMPLATES.format("policy"), headers=headers).status_code == 403
    refused = client.post(TEMPLATES.format("policy"), headers=headers,
                          data={"file": (io.BytesIO(VARIANT), "x.docx")}, content_type="multipart/form-data")
    assert refused.status_code == 403
    assert stored_templates(app) == []
