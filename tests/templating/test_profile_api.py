"""The organisation profile stored by an administrator: API, CLI import/export, picked up without restart."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from schemas.profile import PROFILE, default_text
from service import create_app
from service.cli import main
from tests.test_cli import docgen

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
OTHER = (default_text().replace("中心党总支", "研究院党委").replace("周堃", "林海")
         + '\n[[honours]]\nname = "技术能手"\nteam = false\n')


@pytest.fixture(autouse=True)
def shipped_profile_after():
    """Each test's apps change the process's profile; the next test starts from the shipped one."""
    original = PROFILE.current
    yield
    PROFILE.use(original)


@pytest.fixture
def app(tmp_path):
    """The app on its own instance folder."""
    return create_app({"TESTING": True, "INSTANCE_PATH": tmp_path / "instance"})


def certificate(honour: str) -> dict:
    """The certificate example with another honour and no number."""
    example = json.loads((EXAMPLES / "certificate.json").read_text("utf-8"))
    return {**{k: v for k, v in example.items() if k != "number"}, "honour": honour}


def test_a_new_honour_and_name_apply_from_the_next_request(app):
    """技术能手 is refused, the profile is stored, then it is accepted and numbered in the new series."""
    client = app.test_client()
    refused = client.post("/api/v1/documents/certificate", json=certificate("技术能手"))
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["path"] == "honour"
    stored = client.put("/api/v1/profile", json={"toml": OTHER})
    assert stored.status_code == 200 and stored.get_json()["updated_by"] == "local"
    made = client.post("/api/v1/documents/certificate", json=certificate("技术能手"))
    assert made.status_code == 201
    record = client.get(made.headers["Location"]).get_json()
    assert record["number"] == "研究院党委证〔2026〕1号"
    schema = client.get("/api/v1/kinds/certificate").get_json()["schema"]
    assert "技术能手" in schema["properties"]["honour"]["enum"]
    assert client.get("/api/v1/profile").get_json()["toml"] == OTHER


def test_broken_profiles_are_refused_and_change_nothing(app):
    """A TOML error or a missing key: 422 naming it, the profile in use unchanged."""
    client = app.test_client()
    for text, expected in (("x = = 1", "不是有效的 TOML"), ("[organisation]\nname = '某'\n", "缺少或写错了"),
                           (default_text().replace('secretary = "孙悦"', "secretary = 3"), "综合管理处党支部.secretary")):
        refused = client.put("/api/v1/profile", json={"toml": text})
        assert refused.status_code == 422 and expected in refused.get_json()["detail"]
    assert client.get("/api/v1/profile").get_json()["updated_by"] is None


def test_profile_needs_the_admin_scope(app):
    """A render key may not read or change the profile."""
    from service.store.db import writing
    from service.store.keys import create_key

    with writing(app.extensions["docgen"].sessions) as session:
        token = create_key(session, "oa", ["render", "read"])[1]
    headers = {"Authorization": f"Bearer {token}"}
    assert app.test_client().put("/api/v1/profile", json={"toml": OTHER}, headers=headers).status_code == 403


def test_cli_exports_and_imports_the_toml(tmp_path, monkeypatch):
    """docgen profile export writes the profile in use; import checks and stores an edited one."""
    monkeypatch.setenv("DOCGEN_INSTANCE_PATH", str(tmp_path / "instance"))
    runner = CliRunner()
    exported = tmp_path / "profile.toml"
    assert runner.invoke(main, ["profile", "export", "-o", str(exported)]).exit_code == 0
    assert exported.read_text("utf-8") == default_text()
    exported.write_text(OTHER, encoding="utf-8")
    imported = runner.invoke(main, ["profile", "import", str(exported)])
    assert imported.exit_code == 0 and "研究院党委" in imported.output and "6 个荣誉称号" in imported.output
    exported.write_text("x = = 1", encoding="utf-8")
    refused = runner.invoke(main, ["profile", "import", str(exported)])
    assert refused.exit_code == 2 and "不是有效的 TOML" in refused.output
    again = tmp_path / "again.toml"
    assert runner.invoke(main, ["profile", "export", "-o", str(again)]).exit_code == 0
    assert again.read_text("utf-8") == OTHER


RENAMED = default_text().replace("月度之星", "技术能手")


def test_cli_kinds_schema_and_sheet_use_the_stored_profile(tmp_path):
    """Once a profile is stored, docgen kinds, schema and sheet (each its own process) show its honours."""
    instance = tmp_path / "instance"
    stored = tmp_path / "profile.toml"
    stored.write_text(RENAMED, encoding="utf-8")
    assert docgen("profile", "import", str(stored), instance=instance, cwd=tmp_path).returncode == 0
    kinds = docgen("kinds", instance=instance, cwd=tmp_path).stdout
    assert "技术能手、先进团队、优秀共产党员等荣誉证书" in kinds
    choices = json.loads(docgen("schema", "certificate", instance=instance, cwd=tmp_path).stdout)["properties"]["honour"]["enum"]
    assert "技术能手" in choices and "月度之星" not in choices
    sheet = tmp_path / "certificate.xlsx"
    assert docgen("sheet", "certificate", "-o", str(sheet), instance=instance, cwd=tmp_path).returncode == 0
    with zipfile.ZipFile(sheet) as workbook:
        text = "".join(workbook.read(name).decode() for name in workbook.namelist() if name.endswith(".xml"))
    assert "技术能手" in text and "月度之星" not in text


def honour_choices(client) -> list:
    """The honours /openapi.json offers for a certificate."""
    return client.get("/openapi.json").get_json()["components"]["schemas"]["CertificateInput"]["properties"]["honour"]["enum"]


def test_openapi_choices_follow_the_stored_profile(app, tmp_path):
    """/openapi.json lists the stored profile's honours in every process, from the next request."""
    other_worker = create_app({"TESTING": True, "INSTANCE_PATH": tmp_path / "instance"}).test_client()
    client = app.test_client()
    assert "月度之星" in honour_choices(client) and "技术能手" not in honour_choices(other_worker)
    assert client.put("/api/v1/profile", json={"toml": RENAMED}).status_code == 200
    for seen in (client, other_worker):
        assert "技术能手" in honour_choices(seen) and "月度之星" not in honour_choices(seen)
    nested = client.get("/openapi.json").get_json()["components"]["schemas"]["HonourGroup"]["properties"]["honour"]
    assert "技术能手" in nested["enum"]
