"""The docgen command line."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from service import create_app
from service.cli import main
from service.pdf.worker import office_binary

from .engine.conftest import make_template

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture
def runner(tmp_path, monkeypatch):
    """A CLI runner whose app uses a fresh instance folder."""
    monkeypatch.setenv("DOCGEN_INSTANCE_PATH", str(tmp_path / "instance"))
    return CliRunner()


def test_fill_renders_any_template_with_any_json(tmp_path, runner):
    """docgen fill TEMPLATE DATA -o OUT writes the filled document."""
    template = make_template(tmp_path / "t.docx", ["{{ title }}", "{% for n in names %}{{ n }}；{% endfor %}"])
    data = tmp_path / "d.json"
    data.write_text(json.dumps({"title": "通知 & <附件>", "names": ["张喆", "李堃"]}), encoding="utf-8")
    out = tmp_path / "out.docx"
    result = runner.invoke(main, ["fill", str(template), str(data), "-o", str(out)])
    assert result.exit_code == 0, result.output
    paragraphs = [p.text for p in docx.Document(io.BytesIO(out.read_bytes())).paragraphs]
    assert paragraphs == ["通知 & <附件>", "张喆；李堃；"]


def test_fill_reports_bad_data_in_chinese(tmp_path, runner):
    """A control character is reported with its path; exit status 2, no file written."""
    template = make_template(tmp_path / "t.docx", ["{{ title }}"])
    data = tmp_path / "d.json"
    data.write_text(json.dumps({"title": "坏\u0001"}), encoding="utf-8")
    out = tmp_path / "out.docx"
    result = runner.invoke(main, ["fill", str(template), str(data), "-o", str(out)])
    assert result.exit_code == 2
    assert "title" in result.output and "控制字符" in result.output
    assert not out.exists()


def test_fill_rejects_malformed_json(tmp_path, runner):
    """Malformed JSON is a clear error, not a traceback."""
    template = make_template(tmp_path / "t.docx", ["{{ title }}"])
    data = tmp_path / "d.json"
    data.write_text("{不是 JSON", encoding="utf-8")
    result = runner.invoke(main, ["fill", str(template), str(data), "-o", str(tmp_path / "o.docx")])
    assert result.exit_code == 2
    assert "不是有效的 JSON" in result.output
    assert "Traceback" not in result.output


def test_kinds_lists_the_five(runner):
    """docgen kinds prints every kind with its Chinese name."""
    result = runner.invoke(main, ["kinds"])
    assert result.exit_code == 0
    for title in ("会议纪要", "驻外临时党支部工作手册", "规章制度", "荣誉证书", "表彰决定"):
        assert title in result.output


def test_schema_is_json_schema_2020_12_with_chinese_titles(runner):
    """docgen schema KIND prints a draft 2020-12 schema whose fields carry Chinese titles."""
    result = runner.invoke(main, ["schema", "meeting-minutes"])
    schema = json.loads(result.output)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    assert all(any("\u4e00" <= c <= "\u9fff" for c in field["title"]) for field in schema["properties"].values())


def test_render_validates_numbers_and_records(tmp_path, runner):
    """docgen render KIND DATA -o OUT writes the document and allocates a number."""
    out = tmp_path / "c.docx"
    result = runner.invoke(main, ["render", "certificate", str(EXAMPLES / "certificate.json"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "〔" in result.output and "1号" in result.output
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(out.read_bytes())).paragraphs)
    assert "1号" in text


def test_render_prints_every_error_and_exits_2(tmp_path, runner):
    """Invalid data: every error with its path, in Chinese, exit status 2, no file."""
    data = json.loads((EXAMPLES / "meeting-minutes.json").read_text(encoding="utf-8"))
    data["attendees"][2]["name"] = ""
    data["start"] = "2026-13-40T99:00"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(main, ["render", "meeting-minutes", str(path), "-o", str(tmp_path / "o.docx")])
    assert result.exit_code == 2
    assert "attendees[2].name" in result.output and "start" in result.output
    assert not (tmp_path / "o.docx").exists()


def test_render_unknown_kind(runner, tmp_path):
    """An unknown kind names the available ones."""
    result = runner.invoke(main, ["render", "nope", str(EXAMPLES / "certificate.json")])
    assert result.exit_code == 2 and "certificate" in result.output


def test_check_templates_passes(runner):
    """Every shipped template reads only values its kind provides."""
    result = runner.invoke(main, ["check-templates"])
    assert result.exit_code == 0, result.output
    assert result.output.count("通过") == 5


def test_keys_create_list_revoke(runner):
    """Keys are shown once at creation, listed by prefix, revoked by id."""
    created = runner.invoke(main, ["keys", "create", "oa-system", "--scope", "render"])
    assert created.exit_code == 0, created.output
    token = created.output.strip().splitlines()[-1]
    listed = runner.invoke(main, ["keys", "list"]).output
    assert "oa-system" in listed and token not in listed and "有效" in listed
    key_id = listed.split("\t")[0]
    assert runner.invoke(main, ["keys", "revoke", key_id]).exit_code == 0
    assert "已吊销" in runner.invoke(main, ["keys", "list"]).output


def test_numbers_set_next_and_void(tmp_path, runner):
    """An administrator adopts a counter mid-year and voids a number; it is never reused."""
    assert runner.invoke(main, ["numbers", "set-next", "中心党总支证", "2026", "10"]).exit_code == 0
    assert runner.invoke(main, ["numbers", "void", "中心党总支证", "2026", "10", "--reason", "印错"]).exit_code == 0
    result = runner.invoke(main, ["render", "certificate", str(EXAMPLES / "certificate.json"), "-o", str(tmp_path / "c.docx")])
    assert "11号" in result.output, result.output


def test_serve_refuses_open_non_loopback(runner):
    """Without keys the server refuses to listen beyond loopback, with a clear message."""
    result = runner.invoke(main, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "拒绝监听" in result.output


def test_template_variable_the_schema_lacks_fails_start_up(tmp_path, monkeypatch):
    """A template reading an unknown value stops create_app with the kind and path."""
    import service.catalog as catalog

    from service.engine.template import from_bytes

    bad = make_template(tmp_path / "bad.docx", ["{{ recipient }}{{ no_such_value.deep }}"])
    original = catalog.Kind.template

    def patched(self):
        """The certificate kind gets the bad template."""
        return from_bytes(bad.read_bytes()) if self.id == "certificate" else original.func(self)

    monkeypatch.setattr(catalog.Kind, "template", property(patched))
    with pytest.raises(Exception, match="no_such_value"):
        create_app({"TESTING": True, "INSTANCE_PATH": tmp_path / "i"})


@pytest.mark.skipif(office_binary() is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it")
@pytest.mark.timeout(300)
def test_render_pdf_writes_a_one_page_certificate(tmp_path, runner):
    """docgen render --pdf writes the PDF of the recorded document."""
    out = tmp_path / "c.pdf"
    result = runner.invoke(main, ["render", "certificate", str(EXAMPLES / "certificate.json"), "--pdf", "-o", str(out)])
    assert result.exit_code == 0, result.output
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert "Pages:           1" in info and "841.89 x 595" in info
