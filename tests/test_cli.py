"""The docgen command line."""

from __future__ import annotations

import io
import json

import docx
from click.testing import CliRunner

from service.cli import main

from .engine.conftest import make_template


def test_fill_renders_any_template_with_any_json(tmp_path):
    """docgen fill TEMPLATE DATA -o OUT writes the filled document."""
    template = make_template(tmp_path / "t.docx", ["{{ title }}", "{% for n in names %}{{ n }}；{% endfor %}"])
    data = tmp_path / "d.json"
    data.write_text(json.dumps({"title": "通知 & <附件>", "names": ["张喆", "李堃"]}), encoding="utf-8")
    out = tmp_path / "out.docx"
    result = CliRunner().invoke(main, ["fill", str(template), str(data), "-o", str(out)])
    assert result.exit_code == 0, result.output
    paragraphs = [p.text for p in docx.Document(io.BytesIO(out.read_bytes())).paragraphs]
    assert paragraphs == ["通知 & <附件>", "张喆；李堃；"]


def test_fill_reports_bad_data_in_chinese(tmp_path):
    """A control character is reported with its path; exit status 2, no file written."""
    template = make_template(tmp_path / "t.docx", ["{{ title }}"])
    data = tmp_path / "d.json"
    data.write_text(json.dumps({"title": "坏\u0001"}), encoding="utf-8")
    out = tmp_path / "out.docx"
    result = CliRunner().invoke(main, ["fill", str(template), str(data), "-o", str(out)])
    assert result.exit_code == 2
    assert "title" in result.output and "控制字符" in result.output
    assert not out.exists()


def test_fill_rejects_malformed_json(tmp_path):
    """Malformed JSON is a clear error, not a traceback."""
    template = make_template(tmp_path / "t.docx", ["{{ title }}"])
    data = tmp_path / "d.json"
    data.write_text("{不是 JSON", encoding="utf-8")
    result = CliRunner().invoke(main, ["fill", str(template), str(data), "-o", str(tmp_path / "o.docx")])
    assert result.exit_code == 2
    assert "不是有效的 JSON" in result.output
    assert "Traceback" not in result.output
