"""The docgen command line."""

from __future__ import annotations

import importlib.metadata
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from service import create_app
from service.catalog import Catalog
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


DOCGEN = str(Path(sys.executable).with_name("docgen"))
KIND_IDS = [kind.id for kind in Catalog()]


def docgen(*args: str, instance: Path, cwd: Path) -> subprocess.CompletedProcess:
    """Run the installed docgen command in its own process, as a user would, on `instance`."""
    env = {**os.environ, "DOCGEN_INSTANCE_PATH": str(instance)}
    return subprocess.run([DOCGEN, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


@pytest.mark.parametrize("args", [["--help"], ["kinds"], ["render", "certificate", str(EXAMPLES / "certificate.json")]])
def test_commands_write_no_log_lines_on_stderr(tmp_path, args):
    """Help, listing and rendering (which migrates a new database) print nothing on stderr."""
    result = docgen(*args, instance=tmp_path / "instance", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout


def test_help_lists_docgen_commands_only(tmp_path):
    """--help shows docgen's commands in Chinese, none of Flask's (run, shell, routes, --env-file)."""
    shown = docgen("--help", instance=tmp_path / "instance", cwd=tmp_path).stdout
    listed = {line.split()[0] for line in shown.split("命令")[-1].splitlines() if line.startswith("  ")}
    assert listed == {"batch", "check-templates", "fill", "keys", "kinds", "numbers", "profile", "render", "schema", "serve",
                      "sheet", "templates", "worker"}
    for flask_only in ("run ", "shell", "routes", "--env-file", "--app", "Usage", "Options", "Show this message"):
        assert flask_only not in shown
    assert shown.startswith("用法：docgen")


def test_version_is_docgen_s(tmp_path):
    """docgen --version prints the package's version, not Python's and Flask's."""
    result = docgen("--version", instance=tmp_path / "instance", cwd=tmp_path)
    assert result.stdout.strip() == f"docgen {importlib.metadata.version('docgen')}"


@pytest.mark.parametrize(("args", "said"), [
    (["render"], "缺少参数 KIND"),
    (["render", "no-such-kind", str(EXAMPLES / "certificate.json")], "没有“no-such-kind”这种文书"),
    (["schema"], "缺少参数 KIND"),
])
def test_a_missing_or_wrong_kind_is_a_chinese_usage_error_listing_the_kinds(tmp_path, args, said):
    """Exit status 2, the usage line and the error in Chinese, every kind id and title listed, no English."""
    result = docgen(*args, instance=tmp_path / "instance", cwd=tmp_path)
    assert result.returncode == 2
    assert said in result.stderr
    assert result.stderr.startswith(f"用法：docgen {args[0]} [选项] KIND")
    assert all(kind in result.stderr for kind in KIND_IDS) and "会议纪要" in result.stderr
    assert not any(word in result.stderr for word in ("Usage", "Error", "Missing", "Try"))


@pytest.mark.parametrize(("args", "said"), [
    (["rendr"], "没有命令 rendr，是不是 render？"),
    (["kinds", "--bogus"], "没有选项 --bogus"),
    (["keys", "create", "oa", "--scope", "everything"], "--scope 的值无效：应为以下之一：admin、read、render"),
    (["numbers", "set-next", "中心党总支", "二〇二六", "3"], "YEAR 的值无效：应为整数"),
    (["render", "certificate", "no-such-file.json"], "DATA 的值无效：找不到这个文件"),
    (["kinds", "extra"], "多余的参数：extra"),
    (["render", "certificate", str(EXAMPLES / "certificate.json"), "a", "b"], "多余的参数：a b"),
])
def test_usage_errors_are_told_in_chinese(tmp_path, args, said):
    """Unknown commands and options and bad values: exit 2 with a Chinese message and where to find help."""
    result = docgen(*args, instance=tmp_path / "instance", cwd=tmp_path)
    assert result.returncode == 2
    assert f"错误：{said}" in result.stderr
    assert "--help 查看说明" in result.stderr
    assert not any(word in result.stderr for word in ("Usage", "Error:", "Invalid value", "No such", "Got unexpected"))


def test_keys_revoke_by_name(runner):
    """A key can be revoked by the name it was created with; two live keys of one name need the id."""
    assert runner.invoke(main, ["keys", "create", "oa-system"]).exit_code == 0
    revoked = runner.invoke(main, ["keys", "revoke", "oa-system"])
    assert revoked.exit_code == 0, revoked.output
    assert "已吊销 oa-system" in revoked.output
    assert "已吊销" in runner.invoke(main, ["keys", "list"]).output.split("oa-system")[1]
    for _ in range(2):
        runner.invoke(main, ["keys", "create", "张三"])
    twice = runner.invoke(main, ["keys", "revoke", "张三"])
    assert twice.exit_code == 2 and "有 2 个名为 张三 的有效密钥，请用编号吊销" in twice.output
    key_id = next(line.split("\t")[0] for line in runner.invoke(main, ["keys", "list"]).output.splitlines() if "\t张三\t" in line)
    assert runner.invoke(main, ["keys", "revoke", key_id]).exit_code == 0
    assert runner.invoke(main, ["keys", "revoke", "张三"]).exit_code == 0
    assert runner.invoke(main, ["keys", "revoke", "nobody"]).output.startswith("错误：没有编号或名称为 nobody 的密钥")


def test_the_first_key_says_that_the_web_page_and_keyless_calls_now_need_a_key(runner):
    """Creating the first live key warns on stderr (login page, 401 for key-less calls); later keys do not."""
    first = runner.invoke(main, ["keys", "create", "oa-system"])
    assert "网页改为登录页" in first.stderr and "401" in first.stderr
    assert first.stdout.strip().splitlines()[-1].startswith("dg_")
    assert runner.invoke(main, ["keys", "create", "张三"]).stderr == ""


def test_render_preview_neither_numbers_nor_records(tmp_path, runner):
    """--preview writes 预览-….docx with × for the serial; the next real document still gets number 1, and
    the history stays empty until then."""
    out = tmp_path / "p.docx"
    result = runner.invoke(main, ["render", "certificate", str(EXAMPLES / "certificate.json"), "--preview", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "未编号、未登记" in result.output
    text = "".join(p.text for p in docx.Document(io.BytesIO(out.read_bytes())).paragraphs)
    assert "中心党总支证〔2026〕×号" in text
    with create_app({"INSTANCE_PATH": os.environ["DOCGEN_INSTANCE_PATH"]}).app_context():
        from service.documents import services
        from service.store import records

        with services().sessions() as session:
            assert records.list_documents(session).total == 0
    made = runner.invoke(main, ["render", "certificate", str(EXAMPLES / "certificate.json"), "-o", str(tmp_path / "c.docx")])
    assert "中心党总支证〔2026〕1号" in made.output


def test_render_preview_names_the_file_after_the_document(tmp_path, runner, monkeypatch):
    """Without -o the preview's file name says 预览."""
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(main, ["render", "meeting-minutes", str(EXAMPLES / "meeting-minutes.json"), "--preview"]).exit_code == 0
    assert [path.name for path in tmp_path.glob("*.docx")] == ["预览-“如何形成中心合力”专题研讨会纪要（2026年3月5日）.docx"]


def test_each_instance_has_its_own_gunicorn_control_socket(tmp_path):
    """The control socket lives in the instance folder, never gunicorn's per-user default shared by every
    server; a folder too deep for a Unix socket path turns it off."""
    from service.server import MAX_SOCKET_PATH, control_socket

    assert control_socket(str(tmp_path / "a")) == {"control_socket": str(tmp_path / "a" / "gunicorn.ctl")}
    assert control_socket(str(tmp_path / "b")) != control_socket(str(tmp_path / "a"))
    deep = str(tmp_path / ("x" * MAX_SOCKET_PATH))
    assert control_socket(deep) == {"control_socket_disable": True}
