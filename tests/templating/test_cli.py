"""docgen templates: list, upload (checked), preview, activate, roll back and export from the shell."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli import main

from .conftest import edited, shipped, text_of

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
VARIANT = edited(shipped("policy"), ("{{ issuer_mark }}", "中共某某研究院委员会文件"))


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Run `docgen ARGS…` on a fresh instance folder; gives the result."""
    monkeypatch.setenv("DOCGEN_INSTANCE_PATH", str(tmp_path / "instance"))
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(arg) for arg in args])


def test_upload_activate_rollback_and_export(run, tmp_path):
    """The whole round: upload a Word edit, preview it, switch to it, render with it, go back, export."""
    variant = tmp_path / "红头.docx"
    variant.write_bytes(VARIANT)
    uploaded = run("templates", "upload", "policy", variant, "--note", "改红头")
    assert uploaded.exit_code == 0, uploaded.output
    assert "已保存为第 1 版" in uploaded.output
    assert run("templates", "preview", "policy", "1", "-o", tmp_path / "p.docx").exit_code == 0
    assert "中共某某研究院委员会文件" in text_of((tmp_path / "p.docx").read_bytes())
    assert run("templates", "activate", "policy", "1").output.strip() == "已启用第 1 版"
    listed = run("templates", "list", "policy").output.splitlines()
    assert listed[0].startswith("* 第1版") and "改红头" in listed[0] and listed[1].startswith("  默认模板")
    data = tmp_path / "policy.json"
    data.write_text(json.dumps({k: v for k, v in json.loads((EXAMPLES / "policy.json").read_text("utf-8")).items()
                                if k != "number"}, ensure_ascii=False), encoding="utf-8")
    assert run("render", "policy", data, "-o", tmp_path / "a.docx").exit_code == 0
    assert "中共某某研究院委员会文件" in text_of((tmp_path / "a.docx").read_bytes())
    assert run("templates", "export", "policy", "-o", tmp_path / "active.docx").exit_code == 0
    assert (tmp_path / "active.docx").read_bytes() == VARIANT
    assert run("templates", "rollback", "policy").output.strip() == "已回退到默认模板"
    assert run("render", "policy", data, "-o", tmp_path / "b.docx").exit_code == 0
    assert "中共某某研究院委员会文件" not in text_of((tmp_path / "b.docx").read_bytes())


def test_a_refused_upload_lists_each_problem_and_saves_nothing(run, tmp_path):
    """Exit status 2, the reason with its place, and no version afterwards."""
    broken = tmp_path / "坏.docx"
    broken.write_bytes(edited(shipped("meeting-minutes"), ("{{ recorder }}", "{{ recordr }}")))
    refused = run("templates", "upload", "meeting-minutes", broken)
    assert refused.exit_code == 2
    assert "word/document.xml 第" in refused.output and "是否应为 recorder" in refused.output
    assert "模板未通过检查，未保存" in refused.output
    assert "第1版" not in run("templates", "list", "meeting-minutes").output


def test_unknown_versions_are_clear_errors(run, tmp_path):
    """A version that does not exist: exit status 2 and a Chinese message."""
    result = run("templates", "activate", "policy", "3")
    assert result.exit_code == 2 and "没有第 3 版模板" in result.output


@pytest.mark.skipif(shutil.which("soffice") is None, reason="PDF previews need LibreOffice")
def test_preview_as_pdf(run, tmp_path):
    """--pdf converts the example filled into the version."""
    result = run("templates", "preview", "policy", "shipped", "-o", tmp_path / "p.pdf", "--pdf")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")
