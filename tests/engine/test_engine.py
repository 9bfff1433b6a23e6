"""The engine's own promises: safe text, line breaks, determinism, early errors, caching."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest

from service import engine
from service.engine import package

from .conftest import document_text, entries, make_template


def body_text(data: bytes) -> str:
    """Text of the first paragraph, with line breaks and tabs as characters."""
    paragraph = docx.Document(io.BytesIO(data)).paragraphs[0]
    return paragraph.text


@pytest.mark.parametrize(
    "text",
    ["A & B <c>", "他说：\"好\" 'yes'", "{{ 7*7 }}", "{% raw %}x{% endraw %}", "{_{ y }_}", "{# c #}", "喆堃赟 🎉"],
)
def test_user_text_appears_literally(text_template, text):
    """Autoescaping and the sandbox keep user text exactly as typed."""
    out = engine.load(text_template).render({"text": text})
    assert body_text(out) == f"前{text}后"


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_newlines_become_line_breaks(text_template, newline):
    """Every newline convention becomes one <w:br/>."""
    out = engine.load(text_template).render({"text": f"第一行{newline}第二行"})
    xml = entries(out)["word/document.xml"].decode()
    assert xml.count("<w:br/>") == 1
    assert body_text(out) == "前第一行\n第二行后"


def test_tab_becomes_a_tab_element(text_template):
    """A tab in the data becomes <w:tab/>."""
    out = engine.load(text_template).render({"text": "甲\t乙"})
    assert "<w:tab/>" in entries(out)["word/document.xml"].decode()
    assert body_text(out) == "前甲\t乙后"


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x0b", "\x0c", "\x1f", "\ufffe"])
def test_control_characters_are_an_error_naming_the_key(tmp_path, char):
    """Characters XML 1.0 cannot hold are rejected with the data path, never dropped."""
    path = make_template(tmp_path / "t.docx", ["{% for a in items %}{{ a.name }}{% endfor %}"])
    with pytest.raises(engine.DataError) as caught:
        engine.load(path).render({"items": [{"name": "好"}, {"name": f"坏{char}"}]})
    assert caught.value.path == "items[1].name"
    assert "控制字符" in caught.value.message


def test_same_input_gives_same_bytes(tmp_path):
    """Fixed timestamps and entry order make output byte-identical."""
    path = make_template(tmp_path / "t.docx", ["{{ a }}"], table=[["{%tr for r in rows %}"], ["{{ r }}"], ["{%tr endfor %}"]])
    template = engine.load(path)
    first = template.render({"a": "甲", "rows": ["1", "2"]})
    engine.template._CACHE.clear()
    second = engine.load(path).render({"a": "甲", "rows": ["1", "2"]})
    assert first == second
    times = {info.date_time for info in zipfile.ZipFile(io.BytesIO(first)).infolist()}
    assert times == {(1980, 1, 1, 0, 0, 0)}


def test_core_dates_are_the_templates(tmp_path):
    """docProps/core.xml keeps the template's dates, never the time of rendering."""
    path = make_template(tmp_path / "t.docx", ["{{ a }}"])
    original = entries(path.read_bytes())["docProps/core.xml"]
    out = entries(engine.load(path).render({"a": "x"}))
    assert out["docProps/core.xml"] == original


def test_table_rows_repeat(tmp_path):
    """{%tr for %} repeats a table row per item."""
    path = make_template(tmp_path / "t.docx", ["名单"], table=[["{%tr for r in rows %}", ""], ["{{ r.name }}", "{{ r.role }}"], ["{%tr endfor %}", ""]])
    out = engine.load(path).render({"rows": [{"name": f"成员{i}", "role": "党员"} for i in range(5)]})
    table = docx.Document(io.BytesIO(out)).tables[0]
    assert [row.cells[0].text for row in table.rows] == [f"成员{i}" for i in range(5)]


def test_bad_tags_fail_at_load_with_part_line_and_text(tmp_path):
    """A template whose tags do not parse fails when loaded, naming where."""
    path = make_template(tmp_path / "t.docx", ["第一段", "{% for x in items %}{{ x }", "第三段"])
    with pytest.raises(engine.TemplateSyntaxError) as caught:
        engine.load(path)
    error = caught.value
    assert error.part == "word/document.xml"
    assert error.line and error.line > 1
    assert "{% for x in items %}" in error.text


def test_unclosed_block_fails_at_load(tmp_path):
    """An unclosed {% if %} is a load-time error too."""
    path = make_template(tmp_path / "t.docx", ["{% if a %}没有结束"])
    with pytest.raises(engine.TemplateSyntaxError):
        engine.load(path)


def test_variables_lists_undeclared_names(tmp_path):
    """variables() gives the context names the template reads, loop variables excluded."""
    path = make_template(tmp_path / "t.docx", ["{{ title }}", "{% for a in attendees %}{{ a.name }}{% endfor %}"])
    assert engine.load(path).variables() == {"title", "attendees"}


def test_not_a_docx_is_rejected(tmp_path):
    """A file that is not a .docx gives InvalidTemplate."""
    path = tmp_path / "x.docx"
    path.write_bytes(b"not a zip")
    with pytest.raises(engine.InvalidTemplate):
        engine.load(path)


def test_sandbox_blocks_unsafe_attributes(tmp_path):
    """Template code cannot reach Python internals."""
    path = make_template(tmp_path / "t.docx", ["{{ a.__class__.__mro__ }}"])
    with pytest.raises(engine.RenderError):
        engine.load(path).render({"a": "x"})


def test_load_is_cached_by_content(tmp_path):
    """Two files with the same bytes share one compiled template."""
    first = make_template(tmp_path / "a.docx", ["{{ a }}"])
    second = tmp_path / "b.docx"
    second.write_bytes(first.read_bytes())
    assert engine.load(first) is engine.load(second)


def test_filters_format_chinese_values(tmp_path):
    """The explicit filters give 2026年3月5日, 第十一条 and 、-joined names."""
    path = make_template(tmp_path / "t.docx", ["{{ d|cn_date }} 第{{ n|cn_numeral }}条 {{ names|cn_join }}"])
    out = engine.load(path).render({"d": "2026-03-05", "n": 11, "names": ["张三", "李四"]})
    assert "2026年3月5日 第十一条 张三、李四" in document_text(out)


def test_filled_package_is_what_zipfile_append_mode_writes():
    """append_parts writes the zip records itself; its bytes equal zipfile's own append mode."""
    entries = {"[Content_Types].xml": b"<Types/>", "word/styles.xml": b"<styles/>" * 50, "word/document.xml": b"old",
               "word/header1.xml": b"old", "word/页眉2.xml": b"old"}
    parts = [("word/document.xml", "<w:document>填好的</w:document>".encode() * 40), ("word/header1.xml", b"<w:hdr/>"),
             ("word/页眉2.xml", b"<w:hdr/>")]  # a part name that is not ASCII is written as UTF-8 with flag 0x800
    base = package.build_base(entries, [name for name, _ in parts])
    appended = io.BytesIO()
    with zipfile.ZipFile(appended, "w") as archive:
        for name in ("[Content_Types].xml", "word/styles.xml"):
            archive.writestr(package._entry(name), entries[name])
    with zipfile.ZipFile(appended, "a") as archive:
        for name, content in parts:
            archive.writestr(package._entry(name), content, compresslevel=6)
    assert package.append_parts(base, parts) == appended.getvalue()
    assert zipfile.ZipFile(io.BytesIO(appended.getvalue())).testzip() is None
