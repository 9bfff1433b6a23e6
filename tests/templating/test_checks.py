"""Upload checks: each unsafe or broken template is refused with a Chinese reason naming part and place."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from service.catalog import Catalog
from service.templating.checks import Refused, check_template

from .conftest import edited, shipped, text_of

CATALOG = Catalog()
KINDS = [kind.id for kind in CATALOG]
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MINUTES = shipped("meeting-minutes")
RECORDER = "{{ recorder }}"
RELS = "word/_rels/document.xml.rels"
RELATIONSHIP = '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{}" Target="{}"{}/>'


def with_relationship(kind: str, target: str, external: bool = True) -> bytes:
    """The minutes template with one more relationship of the document part (and its part, when internal)."""
    extra = RELATIONSHIP.format(kind, target, ' TargetMode="External"' if external else "")
    data = edited(MINUTES, ("</Relationships>", extra + "</Relationships>"), part=RELS)
    if external:
        return data
    content_type = '<Override PartName="/word/{}" ContentType="application/octet-stream"/></Types>'.format(target)
    return edited(data, ("</Types>", content_type), part="[Content_Types].xml", extra={f"word/{target}": b"\0" * 64})


def refusal(data: bytes, kind: str = "meeting-minutes") -> Refused:
    """The refusal of an upload (failing the test if it is accepted)."""
    with pytest.raises(Refused) as refused:
        check_template(CATALOG.get(kind), data)
    return refused.value


def messages(data: bytes) -> str:
    """Every message of a refusal, joined."""
    return "\n".join(problem["message"] for problem in refusal(data).problems)


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_templates_pass_without_warnings(kind):
    """The defaults pass every check, follow GB/T 9704 as shipped, and render their example."""
    accepted = check_template(CATALOG.get(kind), shipped(kind))
    assert accepted.warnings == []
    assert "{{" not in text_of(accepted.preview)


def test_misspelt_variable_is_named_with_a_suggestion():
    """`{{ attendee.nmae }}` in a loop over attendees: the tag, the place and `name` as the likely intent."""
    refused = refusal(edited(MINUTES, (RECORDER, RECORDER + "{% for attendee in attendees %}{{ attendee.nmae }}{% endfor %}")))
    [problem] = refused.problems
    assert problem["path"].startswith("word/document.xml 第")
    assert "{{ attendee.nmae }}" in problem["message"] and "是否应为 name" in problem["message"]


def test_unknown_top_level_variable_suggests_the_nearest_field():
    """A misspelt top-level name suggests the field it most resembles."""
    assert "是否应为 recorder" in messages(edited(MINUTES, (RECORDER, "{{ recordr }}")))


def test_broken_tag_names_the_part_line_and_paragraph():
    """A tag that does not parse: the part, the line and the paragraph's text."""
    [problem] = refusal(edited(MINUTES, (RECORDER, "{{ recorder }"))).problems
    assert problem["path"].startswith("word/document.xml 第") and "标签无法解析" in problem["message"]
    assert "记录人：{{ recorder }" in problem["message"]


@pytest.mark.parametrize("expression", ["''.__class__.__mro__", "recorder.__globals__", "recorder.mro",
                                        "recorder['_secret']", "_private", "recorder|attr('__class__')"])
def test_sandbox_escapes_are_refused_at_upload(expression):
    """Internals are refused by reading the tags, before any rendering."""
    assert "内部属性" in messages(edited(MINUTES, (RECORDER, "{{ %s }}" % expression)))


def test_a_template_whose_example_fails_to_render_is_refused_with_the_error():
    """An expression that fails on the example data: the error is the message."""
    assert "用示例数据生成文书失败" in messages(edited(MINUTES, (RECORDER, "{{ 1 / 0 }}")))


def test_macro_enabled_file_is_refused():
    """A VBA project or a macro-enabled content type."""
    data = edited(MINUTES, ("wordprocessingml.document.main+xml", "vnd.ms-word.document.macroEnabled.main+xml"),
                  part="[Content_Types].xml", extra={"word/vbaProject.bin": b"\0" * 64})
    text = messages(data)
    assert "宏" in text and "vbaProject.bin" in text


@pytest.mark.parametrize("kind, target, expected", [
    ("image", "http://example.com/logo.png", "链接了外部图片：http://example.com/logo.png"),
    ("attachedTemplate", "file:///C:/Normal.dotm", "外部模板"),
    ("oleObject", "file:///C:/data.xlsx", "外部对象"),
])
def test_external_relationships_are_refused(kind, target, expected):
    """Remote images, linked files and attached templates name the part and the target."""
    [problem] = refusal(with_relationship(kind, target)).problems
    assert problem["path"] == "word/document.xml" and expected in problem["message"]


def test_external_image_names_the_paragraph_that_shows_it():
    """The image's paragraph text says where in the document it is."""
    data = with_relationship("image", "http://example.com/logo.png")
    data = edited(data, ("<w:t>一、会议议题</w:t>", '<w:t>一、会议议题</w:t></w:r><w:r><w:drawing><a:blip xmlns:a="x" r:link="rId99"/></w:drawing>'))
    assert "段落“一、会议议题”" in messages(data)


def test_hyperlinks_are_allowed():
    """An external hyperlink is a plain link, not content fetched from elsewhere."""
    check_template(CATALOG.get("meeting-minutes"), with_relationship("hyperlink", "https://www.gov.cn"))


def test_alt_chunk_and_embedded_ole_are_refused(monkeypatch):
    """altChunk imports foreign content; OLE objects only where the kind allows them."""
    assert "altChunk" in messages(with_relationship("altChunk", "afchunk.mht", external=False))
    ole = with_relationship("oleObject", "embeddings/oleObject1.bin", external=False)
    assert "OLE" in messages(ole)
    monkeypatch.setattr(CATALOG.get("meeting-minutes").module, "ALLOW_OLE", True, raising=False)
    check_template(CATALOG.get("meeting-minutes"), ole)


def zip_bomb() -> bytes:
    """A real template with one more entry that inflates a thousand-fold."""
    out = io.BytesIO(MINUTES)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/image9.png", b"\0" * (4 << 20))
    return out.getvalue()


@pytest.mark.parametrize("data, expected", [
    (zip_bomb(), "压缩炸弹"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, "旧版 .doc"),
    ((EXAMPLES / "policy.xlsx").read_bytes(), "不是 Word（.docx）文件：缺少文档正文"),
    (b"plain text, not a document", "不是 Word（.docx）文件"),
])
def test_files_that_are_no_safe_docx_are_refused(data, expected):
    """Zip bombs, old .doc files, a renamed .xlsx, anything else."""
    assert expected in messages(data)


def test_a_60_mb_file_is_too_large():
    """Past the size limit: refused as too large before it is opened."""
    refused = refusal(b"PK" + b"\0" * (60 << 20))
    assert refused.too_large and "文件过大（60.0 MB）" in refused.problems[0]["message"]


def test_gbt9704_drift_gives_warnings_not_errors():
    """Letter paper, Song body and a black 发文机关标志 are accepted with a warning each."""
    data = edited(MINUTES, ('w:w="11906" w:h="16838"', 'w:w="12240" w:h="15840"'))
    data = edited(data, ('w:eastAsia="仿宋_GB2312"', 'w:eastAsia="宋体"'), ('w:val="FF0000"', 'w:val="000000"'),
                  part="word/styles.xml")
    warnings = [warning["message"] for warning in check_template(CATALOG.get("meeting-minutes"), data).warnings]
    assert any("纸张不是 A4" in text and "216×279" in text for text in warnings)
    assert any("仿宋_GB2312" in text and "宋体" in text for text in warnings)
    assert any("发文机关标志" in text and "000000" in text for text in warnings)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="needs LibreOffice (soffice)")
@pytest.mark.parametrize("kind", KINDS)
def test_a_template_saved_by_libreoffice_still_passes_and_renders(tmp_path, kind):
    """The round trip of a real Word/WPS edit: open the shipped template, save as .docx, upload."""
    source = tmp_path / "in" / f"{kind}.docx"
    source.parent.mkdir()
    source.write_bytes(shipped(kind))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "out"), str(source)],
                   check=True, capture_output=True, timeout=180)
    saved = (tmp_path / "out" / f"{kind}.docx").read_bytes()
    assert saved != shipped(kind)
    found = CATALOG.get(kind)
    accepted = check_template(found, saved)
    assert accepted.warnings == []
    # The same text as from the shipped template, but for the page numbers LibreOffice writes into the contents.
    ours, theirs = text_of(accepted.preview), text_of(found.render(found.example_data())[0])
    assert re.sub(r"\d", "", ours) == re.sub(r"\d", "", theirs)
    if found.numbering:
        assert found.example_data()[found.numbering.field] in ours
