"""Upload checks: each unsafe or broken template is refused with a Chinese reason naming part and place."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

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
    assert refused.problems[0]["message"] == "文件过大（60.0 MB），上限为 20 MB。"


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
    # The same text as from the shipped template, but for the page numbers LibreOffice writes into the contents
    # and the 版记, which the service moves into the body or not by each template's own page (LibreOffice saves
    # the footer's height into the bottom margin).
    ours, theirs = unplaced_text(accepted.preview), unplaced_text(found.render(found.example_data())[0])
    assert re.sub(r"\d", "", ours) == re.sub(r"\d", "", theirs)
    assert printed(accepted.preview) == printed(found.render(found.example_data())[0])
    if found.numbering:
        assert found.example_data()[found.numbering.field] in ours


def unplaced_text(document: bytes) -> str:
    """The body's text without a 版记 the service moved into it (a table floating by w:tblpPr)."""
    body = docx.Document(io.BytesIO(document)).element.body
    placed = {node for table in body.iter(qn("w:tbl")) if table.find(f"{qn('w:tblPr')}/{qn('w:tblpPr')}") is not None
              for node in table.iter(qn("w:t"))}
    return "".join(node.text or "" for node in body.iter(qn("w:t")) if node not in placed)


def printed(document: bytes) -> list[str]:
    """The 版记's 印发 line wherever it is (body or footer), as text."""
    with zipfile.ZipFile(io.BytesIO(document)) as package:
        parts = [package.read(name).decode() for name in package.namelist()
                 if re.fullmatch(r"word/(document|footer\d*)\.xml", name)]
    return [re.sub(r"<[^>]+>", "", line) for part in parts for line in re.findall(r"<w:p\b.*?</w:p>", part)
            if "印发" in line]


def drift_warnings(data: bytes, kind: str) -> list[dict]:
    """The GB/T 9704 warnings an accepted upload carries."""
    return check_template(CATALOG.get(kind), data).warnings


POLICY, COMMENDATION = shipped("policy"), shipped("commendation")
MARK_STYLE = 'w:before="1984" w:after="1158" w:line="720" w:lineRule="exact"'
SECTION_GRID = 'w:charSpace="-849"'


@pytest.mark.parametrize("replacement, expected", [
    ((MARK_STYLE, MARK_STYLE.replace("1984", "2268")), "段前 40.0 mm"),
    ((MARK_STYLE, MARK_STYLE.replace('w:line="720" w:lineRule="exact"', 'w:line="240" w:lineRule="auto"')), "行距非固定值"),
])
def test_a_mark_moved_from_35_mm_below_the_text_block_is_warned(replacement, expected):
    """More space before the 发文机关标志, or single spacing that pushes its characters down."""
    [warning] = drift_warnings(edited(POLICY, replacement, part="word/styles.xml"), "policy")
    assert warning["path"] == "word/document.xml 第1段"
    assert "发文机关标志“{{ issuer_mark }}”不在版心下 35 mm" in warning["message"] and expected in warning["message"]


def test_a_red_rule_too_far_under_the_number_is_warned():
    """A border 14 pt under the 发文字号 instead of 6: about 6.7 mm, not 4."""
    data = edited(COMMENDATION, ('w:sz="8" w:space="6" w:color="FF0000"', 'w:sz="8" w:space="14" w:color="FF0000"'))
    [warning] = drift_warnings(data, "commendation")
    assert warning["path"] == "word/document.xml 第2段"
    assert "红色分隔线（段落“{{ number }}”的下边框）不在文字下 4 mm 处：现为约 6.7 mm" in warning["message"]


def test_a_red_rule_narrowed_by_indents_is_warned():
    """The 纪要's unit-and-date line indented 3 mm a side draws a 150 mm rule, not the text block's 156 mm."""
    dated = '<w:pPr><w:pStyle w:val="主送"/><w:pBdr>'
    data = edited(MINUTES, (dated, '<w:pPr><w:pStyle w:val="主送"/><w:ind w:left="170" w:right="170"/><w:pBdr>'))
    [warning] = drift_warnings(data, "meeting-minutes")
    assert "长 150 mm，不是版心宽 156 mm" in warning["message"] and "{{ organisation }}" in warning["message"]


def test_a_colophon_in_the_body_is_warned():
    """The 版记 typed at the end of the text follows it mid-page instead of the last even page's foot."""
    end = '<w:p><w:pPr><w:pStyle w:val="分节"/><w:sectPr>'
    data = edited(POLICY, (end, '<w:p><w:pPr><w:pStyle w:val="版记"/></w:pPr><w:r><w:t>抄送：各支部</w:t></w:r></w:p>' + end))
    [warning] = drift_warnings(data, "policy")
    assert warning["path"] == "word/document.xml" and "版记（样式“版记”）在正文中" in warning["message"]


@pytest.mark.parametrize("replacement, part, expected", [
    (('<w:type w:val="evenPage"/>', '<w:type w:val="nextPage"/>'), "word/document.xml", "不是从偶数页开始"),
    (('w:footer="1984"', 'w:footer="1417"'), "word/document.xml", "距页面下边 25 mm，不是 35 mm"),
    (("<w:evenAndOddHeaders/>", ""), "word/settings.xml", "奇偶页不同"),
])
def test_a_colophon_off_the_last_even_page_foot_is_warned(replacement, part, expected):
    """The last section starting on any page, its footer 25 mm from the foot, no odd/even footers."""
    [warning] = drift_warnings(edited(COMMENDATION, replacement, part=part), "commendation")
    assert expected in warning["message"]


def test_a_colophon_in_another_footer_is_warned():
    """The 版记 moved into the odd-page footer of the last section."""
    data = edited(MINUTES, ('<w:footerReference w:type="default" r:id="rId2"/><w:footerReference w:type="even" r:id="rId4"/>',
                            '<w:footerReference w:type="default" r:id="rId4"/><w:footerReference w:type="even" r:id="rId2"/>'))
    [warning] = drift_warnings(data, "meeting-minutes")
    assert warning["path"] == "word/document.xml 最后一节" and "版记在 word/footer4.xml 中，不是最后一节的偶数页页脚" in warning["message"]


def test_a_grid_without_its_character_pitch_is_warned():
    """charSpace 0 gives 27 characters a line in Word; the PDF keeps 28 by the condensed body."""
    data = edited(MINUTES, (SECTION_GRID, 'w:charSpace="0"'))
    warnings = drift_warnings(data, "meeting-minutes")
    assert [warning["path"] for warning in warnings] == ["word/document.xml 第1节", "word/document.xml 第2节"]
    assert "文档网格每行 27 字，不是 28 字" in warnings[0]["message"]


def test_a_body_not_condensed_is_warned():
    """Without the Normal style's -0.25 pt spacing LibreOffice sets 27 characters a line in the PDF."""
    data = edited(POLICY, ('<w:spacing w:val="-5"/><w:sz w:val="32"/>', '<w:sz w:val="32"/>'), part="word/styles.xml")
    [warning] = drift_warnings(data, "policy")
    assert warning["path"] == "word/styles.xml 样式“正文”" and "PDF（LibreOffice）中每行 27 字" in warning["message"]


def test_a_page_number_on_the_colophon_sections_odd_pages_is_warned():
    """The blank page before the 版记 must carry no number."""
    data = edited(MINUTES, ('<w:pStyle w:val="分节"/></w:pPr></w:p></w:ftr>',
                            '<w:pStyle w:val="分节"/></w:pPr><w:r><w:t>— 1 —</w:t></w:r></w:p></w:ftr>'), part="word/footer3.xml")
    [warning] = drift_warnings(data, "meeting-minutes")
    assert warning["path"] == "word/footer3.xml（最后一节的奇数页页脚）" and "空白页不应有页码" in warning["message"]


def test_a_layout_value_the_checks_cannot_read_is_not_judged():
    """A spacing that is no number (as a foreign editor might write) gives no warning for that rule and no error."""
    accepted = check_template(CATALOG.get("policy"), edited(POLICY, (MARK_STYLE, MARK_STYLE.replace("1984", "35mm")),
                                                            part="word/styles.xml"))
    assert accepted.warnings == []


def test_a_minutes_heading_moved_is_named_as_the_minutes_mark():
    """The 纪要's red heading is called 纪要标志 in the warning."""
    style = 'w:before="1984" w:after="579" w:line="520" w:lineRule="exact"'
    [warning] = drift_warnings(edited(MINUTES, (style, style.replace("1984", "1134")), part="word/styles.xml"),
                               "meeting-minutes")
    assert "纪要标志“{{ heading }}”不在版心下 35 mm 处：段前 20.0 mm" in warning["message"]
