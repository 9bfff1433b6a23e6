"""The Word templates of the document kinds: GB/T 9704 layout, styles, footers, rendered examples."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.opc.part import XmlPart
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from schemas.checks import TextLength
from schemas.profile import PROFILE
from service.engine.filters import FILTERS
from service.pdf import ConverterPool
from service.pdf.worker import office_binary
from service import engine
from service.catalog import Catalog
from service.checks import unknown_paths
from service.cli import main as cli
from service.scaffold import gbt9704
from templates import preview

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates" / "docx"
KINDS = [kind.id for kind in Catalog()]
OFFICIAL = ["meeting-minutes", "policy", "commendation"]  # red-header 公文
NUMBERED = [kind for kind in KINDS if kind != "certificate"]
A4 = (11906, 16838)
MARGINS = {"top": 2098, "left": 1588, "bottom": 1984, "right": 1474}
CERTIFICATE_MARGINS = dict.fromkeys(MARGINS, 1417)  # 25 mm
PAGE_NUMBER = re.compile(r"—\d+—")  # a folio as pdf_pages gives it, without spaces


def template(kind: str):
    """The kind's template opened with python-docx."""
    return docx.Document(str(TEMPLATES / f"{kind}.docx"))


def rendered(kind: str):
    """The kind's template filled with its example, opened with python-docx."""
    return docx.Document(io.BytesIO(preview.render_example(kind)))


def text_of(document) -> str:
    """All text of the body, tables included, in document order, then of the footers (the 版记)."""
    footers = [part.element for part in document.part.package.iter_parts() if "/footer" in part.partname]
    return "".join(node.text or "" for root in [document.element.body, *footers] for node in root.iter(qn("w:t")))


def style_fonts(document, name: str) -> dict:
    """The w:rFonts attributes a style sets itself."""
    fonts = document.styles[name].element.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    return {key.split("}")[1]: value for key, value in fonts.attrib.items()}


def style_value(document, name: str, path: str, attribute: str = "val") -> str | None:
    """An attribute of an element inside a style's definition, e.g. w:rPr/w:sz."""
    node = document.styles[name].element.find("/".join(qn(part) for part in path.split("/")))
    return None if node is None else node.get(qn(f"w:{attribute}"))


@pytest.mark.parametrize("kind", KINDS)
def test_shipped_templates_read_only_values_their_schema_provides(kind):
    """Every variable of the shipped template is a field of the kind's data or of its derived context."""
    assert unknown_paths(preview.CATALOG.get(kind)) == []


@pytest.mark.parametrize("kind", KINDS)
def test_scaffold_writes_a_gbt9704_starting_point(tmp_path, kind):
    """`docgen templates scaffold` writes a template with the shipped one's page, styles and variables."""
    target = tmp_path / "起步.docx"
    result = CliRunner().invoke(cli, ["templates", "scaffold", kind, "-o", str(target)])
    assert result.exit_code == 0, result.output
    built = docx.Document(str(target))
    for section in built.sections:
        size = (section.page_width.twips, section.page_height.twips)
        assert size == (A4[::-1] if kind == "certificate" else A4)
        margins = {side: getattr(section, f"{side}_margin").twips for side in MARGINS}
        assert margins == (CERTIFICATE_MARGINS if kind == "certificate" else MARGINS)
    assert style_fonts(built, "Normal")["eastAsia"] == "仿宋_GB2312"
    assert style_value(built, "Normal", "w:rPr/w:sz") == "32"
    assert unknown_paths(preview.CATALOG.get(kind), engine.load(target)) == []


@pytest.mark.parametrize("kind", KINDS)
def test_page_is_a4_with_gbt9704_margins(kind):
    """A4 (the certificate landscape), margins 37/28/35/26 mm (the certificate 25 mm), on every section."""
    for section in template(kind).sections:
        size = (section.page_width.twips, section.page_height.twips)
        assert size == (A4[::-1] if kind == "certificate" else A4)
        margins = {side: getattr(section, f"{side}_margin").twips for side in MARGINS}
        assert margins == (CERTIFICATE_MARGINS if kind == "certificate" else MARGINS)


@pytest.mark.parametrize("kind", NUMBERED)
def test_grid_gives_22_lines_of_28_characters(kind):
    """Line pitch 28.95 pt; character pitch fitting exactly 28 characters of 16 pt on 156 mm."""
    for section in template(kind).sections:
        grid = section._sectPr.find(qn("w:docGrid"))
        assert grid.get(qn("w:type")) == "linesAndChars"
        assert grid.get(qn("w:linePitch")) == "579"
        pitch = 16 + int(grid.get(qn("w:charSpace"))) / 4096
        assert int(8844 / 20 / pitch) == 28
        assert 12756 // 579 == 22


@pytest.mark.parametrize("kind", KINDS)
def test_fonts_sit_in_the_styles_on_the_east_asian_slot(kind):
    """Body 仿宋_GB2312 16 pt, title 方正小标宋简体 22 pt (its digits and quotes too), headings 黑体/楷体/仿宋, none bold."""
    document = template(kind)
    defaults = document.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    expected = {"Normal": "仿宋_GB2312", "Title": "方正小标宋简体", "Heading 1": "黑体",
                "Heading 2": "楷体_GB2312", "Heading 3": "仿宋_GB2312"}
    for name, east_asia in expected.items():
        fonts = style_fonts(document, name)
        assert fonts["eastAsia"] == east_asia, name
        latin = east_asia if name == "Title" else "Times New Roman"
        assert fonts["ascii"] == fonts["hAnsi"] == latin, name
        assert not any("Theme" in key for key in fonts), name
        assert style_value(document, name, "w:rPr/w:b") == "0", name
    assert style_value(document, "Normal", "w:rPr/w:sz") == "32"
    assert style_value(document, "Normal", "w:rPr/w:color") == "000000"
    assert style_value(document, "Title", "w:rPr/w:sz") == "44"
    assert style_value(document, "Normal", "w:pPr/w:ind", "firstLineChars") == "200"
    assert style_value(document, "Normal", "w:pPr/w:spacing", "line") == "579"
    assert style_value(document, "Normal", "w:pPr/w:spacing", "lineRule") == "exact"


@pytest.mark.parametrize("kind", OFFICIAL)
def test_official_documents_have_a_red_header_and_red_rule(kind):
    """The first paragraph is the red 小标宋 标志; a red bottom border rules off the header."""
    document = template(kind)
    mark = document.paragraphs[0].style.name
    assert mark == ("纪要标志" if kind == "meeting-minutes" else "发文机关标志")
    assert style_fonts(document, mark)["eastAsia"] == "方正小标宋简体"
    assert style_value(document, mark, "w:rPr/w:color") == "FF0000"
    rules = document.element.body.findall(f".//{qn('w:pBdr')}/{qn('w:bottom')}")
    assert any(rule.get(qn("w:color")) == "FF0000" for rule in rules)


@pytest.mark.parametrize("kind", NUMBERED)
def test_page_numbers_alternate_sides(kind):
    """Odd and even footers hold a PAGE field between dashes, right and left, all in 宋体."""
    document = template(kind)
    assert document.settings.odd_and_even_pages_header_footer
    for footer, side in ((document.sections[0].footer, "right"), (document.sections[0].even_page_footer, "left")):
        xml = footer._element.xml
        assert " PAGE " in xml and "— " in xml and " —" in xml
        assert footer.paragraphs[0].paragraph_format.alignment.name.lower() == side
        assert style_fonts(document, "Footer")["eastAsia"] == "宋体"
        assert style_fonts(document, "Footer")["ascii"] == "宋体"  # 半角宋体 digits and dashes


def test_certificate_is_landscape_without_page_number():
    """A certificate is one landscape sheet with a page border, no footer and no document grid."""
    document = template("certificate")
    section = document.sections[0]
    assert section.orientation.name == "LANDSCAPE"
    assert section._sectPr.find(qn("w:pgBorders")) is not None
    assert section._sectPr.find(qn("w:docGrid")) is None
    assert " PAGE " not in section.footer._element.xml


@pytest.mark.parametrize("kind", KINDS)
def test_only_needed_styles_remain(kind):
    """Each style left is a default, of the GB/T 9704 set, used, or the base of one; none dangles."""
    document = template(kind)
    styles = {style.get(qn("w:styleId")): style for style in document.styles.element.findall(qn("w:style"))}
    parts = [part for part in document.part.package.iter_parts() if isinstance(part, XmlPart)]
    used = {node.get(qn("w:val")) for part in parts for tag in ("w:pStyle", "w:rStyle", "w:tblStyle")
            for node in part.element.iter(qn(tag))}
    references = {style_id: {node.get(qn("w:val")) for tag in ("w:basedOn", "w:next", "w:link")
                             for node in style.iterchildren(qn(tag))} for style_id, style in styles.items()}
    gbt = {document.styles[spec.name].style_id for spec in gbt9704.STYLES}
    bases = set().union(*references.values())
    assert used | gbt | bases <= styles.keys()
    for style_id, style in styles.items():
        assert style.get(qn("w:default")) == "1" or style_id in used | gbt | bases, style_id
    assert {"Normal", "DefaultParagraphFont", "TableNormal", "NoList"} <= styles.keys()
    assert len(styles) < 40  # python-docx's default template has 184
    assert not {"/word/stylesWithEffects.xml", "/word/numbering.xml"} & {part.partname for part in parts}


@pytest.mark.parametrize(("kind", "title", "author"), [
    ("meeting-minutes", "document_title", "organisation"), ("branch-manual", "manual_title", "branch_full_name"),
    ("policy", "notice_title", "signatory"), ("commendation", "title", "signatory"),
    ("certificate", None, "issuer_full_name")])
def test_document_properties_name_the_document_its_organisation_and_docgen(kind, title, author):
    """File properties: the document's own title, the issuing organisation as author, docgen as application."""
    context = preview.example_context(kind)
    data = preview.render_example(kind)
    properties = docx.Document(io.BytesIO(data)).core_properties
    expected = context[title] if title else f"荣誉证书（{context['recipient']}）"
    assert (properties.title, properties.author) == (expected, context[author])
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert "<Application>docgen</Application>" in package.read("docProps/app.xml").decode()


@pytest.mark.parametrize("kind", KINDS)
def test_every_tag_resolves_against_the_example_context(kind):
    """docxtpl with StrictUndefined fails on any variable or attribute the context lacks."""
    tpl = DocxTemplate(str(TEMPLATES / f"{kind}.docx"))
    env = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    env.filters.update(FILTERS)
    tpl.render(preview.example_context(kind), jinja_env=env, autoescape=True)
    text = "".join(node.text or "" for node in tpl.docx.element.body.iter(qn("w:t")))
    assert "{{" not in text and "{%" not in text


def test_minutes_list_every_person_and_decision():
    """Attendees, absentees with reasons, observers, decisions （一） with owners under 一、/二、 parts; 分送 in the 版记."""
    context = preview.example_context("meeting-minutes")
    text = text_of(rendered("meeting-minutes"))
    for person in context["attendees"] + context["observers"]:
        assert person["name"] in text
    for person in context["absentees"]:
        assert f"{person['name']}（{person['reason']}）" in text
    for number, decision in enumerate(context["decisions"], 1):
        assert f"（{FILTERS['cn_numeral'](number)}）{decision['content']}" in text
        assert f"责任人：{decision['owner']}；完成时限：{decision['deadline_text']}" in text
    for expected in (context["heading"], context["number"], context["opening"], "一、会议议题", "二、会议主要精神",
                     "三、会议议定事项", "出席：", "请假：", "列席：",
                     f"记录人：{context['recorder']}", f"分送：{context['distribution_text']}"):
        assert expected in text


def test_policy_numbers_articles_and_puts_the_rules_on_a_new_page():
    """The 通知 first, then 附件 on a new page with chapters and 第十一条 in 黑体."""
    document = rendered("policy")
    text = text_of(document)
    assert "关于印发《中心会议管理办法》的通知" in text
    assert "第一章　总　则" in text and "第十一条　" in text and "第六章　附　则" in text
    attachment = next(p for p in document.paragraphs if p.text == "附件")
    assert attachment.paragraph_format.page_break_before
    article = next(p for p in document.paragraphs if p.text.startswith("第十一条"))
    assert article.runs[0].style.name == "标签" and article.runs[0].text == "第十一条　"
    assert style_fonts(document, "标签")["eastAsia"] == "黑体"
    assert "本办法由中心党总支负责解释" in text and "抄送：" in text


def test_certificate_quotes_the_honour():
    """Recipient, deed, “月度之星”, the closing formula, issuer and date."""
    context = preview.example_context("certificate")
    text = text_of(rendered("certificate"))
    for expected in ("荣誉证书", "王喆同志：", "“月度之星”", "特发此证，以资鼓励。",
                     context["issuer_full_name"], context["date_text"]):
        assert expected in text


def test_commendation_lists_every_honouree_under_its_honour():
    """The decision names the honours; the 表彰名单 groups each honouree under its heading."""
    context = preview.example_context("commendation")
    document = rendered("commendation")
    text = text_of(document)
    assert context["decision_paragraph"] in text and "附件：表彰名单" in text
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [honour["heading"] for honour in context["honours"]]
    for honour in context["honours"]:
        for person in honour["honourees"]:
            assert person["text"] in text


def test_branch_manual_roster_has_one_row_per_member():
    """Roster rows = members + header, each with its 党员类别; schedule and contacts likewise; the secretary's phone labelled."""
    context = preview.example_context("branch-manual")
    document = rendered("branch-manual")
    tables = {"|".join(cell.text for cell in table.rows[0].cells): table for table in document.tables}
    roster = tables["序号|姓名|原所在党支部|支部职务|党员类别|联系电话"]
    assert len(roster.rows) == context["member_count"] + 1
    assert [row.cells[1].text for row in roster.rows[1:]] == [m["name"] for m in context["members"]]
    assert [row.cells[4].text for row in roster.rows[1:]] == [m["status"] for m in context["members"]]
    assert "预备党员" in [m["status"] for m in context["members"]]
    assert [row.cells[5].text for row in roster.rows[1:]] == [m["phone"] for m in context["members"]]
    assert len(tables["活动|频次|主要内容"].rows) == len(context["schedule"]) + 1
    assert len(tables["姓名（单位）|职务|联系电话"].rows) == len(context["contacts"]) + 1
    text = text_of(document)
    for expected in (context["manual_title"], context["approval_number"], context["committee_text"],
                     f"{context['secretary']}（联系电话：{context['secretary_phone']}）",
                     context["exclusions_text"], "一、支部基本情况", "附件2"):
        assert expected in text


@pytest.fixture(scope="module")
def pool():
    """One warm LibreOffice converter shared by the module's PDF tests."""
    if office_binary() is None:
        pytest.skip("PDF page tests need LibreOffice: no soffice on PATH")
    if not (shutil.which("pdfinfo") and shutil.which("pdftotext")):
        pytest.skip("PDF page tests need poppler-utils: no pdfinfo or pdftotext on PATH")
    with ConverterPool(size=1) as converter:
        yield converter


def pdf_pages(pool, document: bytes, tmp_path) -> list[str]:
    """The text of each page of the PDF the pool makes of a .docx (pdfinfo counts the pages)."""
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(pool.convert(document))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE)[1])
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")[:count]
    assert len(pages) == count
    return ["".join(page.split()) for page in pages]


def max_length(kind, field: str) -> int:
    """The longest text the kind's schema accepts in a field."""
    return next(check.max for check in kind.schema().fields[field].validators if isinstance(check, TextLength))


def long_certificate(text_length: int | None) -> dict:
    """Certificate data with the longest recipient and issuer, its text run at text_length (None: longest)."""
    kind = preview.CATALOG.get("certificate")
    data = {**kind.example(), "recipient": "王" * max_length(kind, "recipient"),
            "honour": max((honour.name for honour in PROFILE.honours), key=len),
            "issuer": max(PROFILE.units, key=lambda unit: len(unit.full_name)).name}
    if text_length is None:
        data.update(period="年" * max_length(kind, "period"), deed="攻" * max_length(kind, "deed"))
    else:
        context = kind.context(kind.check(data).data)
        data["deed"] = "攻" * (text_length - len(context["salutation"] + context["citation"]) + len(data["deed"]))
    checked = kind.check(data)
    assert not checked.errors, checked.errors
    return kind.with_number(checked.data)


def size_limits() -> list[int]:
    """The salutation-and-citation lengths at which the certificate template moves to a smaller size."""
    xml = template("certificate").element.xml
    return [int(limit) for limit in re.findall(r"\|length &lt;= (\d+)", xml)]


def test_certificate_type_shrinks_past_each_size_limit():
    """A text at a size's limit keeps that size; one character more takes the next, smaller one."""
    kind = preview.CATALOG.get("certificate")
    sizes = []
    for limit in size_limits():
        for length in (limit, limit + 1):
            document = docx.Document(io.BytesIO(kind.render(long_certificate(length))[0]))
            citation = next(para for para in document.paragraphs if para.text.startswith("攻"))
            sizes.append(citation.style.font.size.pt)
    assert sizes == [22, 18, 18, 16]


@pytest.mark.parametrize("text_length", [*size_limits(), None])
def test_certificate_at_each_size_limit_fits_one_page(pool, tmp_path, text_length):
    """Longest recipient and issuer, a number, text at each size's limit or the schema's longest deed: one page."""
    kind = preview.CATALOG.get("certificate")
    data = long_certificate(text_length)
    pages = pdf_pages(pool, kind.render(data)[0], tmp_path)
    context = kind.context(data)
    assert len(pages) == 1
    for expected in (context["number"], context["closing"], context["date_text"]):
        assert expected in pages[0]


@pytest.mark.parametrize("kind", KINDS)
def test_examples_with_numbers_have_no_blank_pages(pool, tmp_path, kind):
    """Each example with its number: the certificate on one page; every page holds more than its folio."""
    pages = pdf_pages(pool, preview.render_example(kind), tmp_path)
    context = preview.example_context(kind)
    if kind == "certificate":
        assert len(pages) == 1
    if "number" in context:
        assert context["number"] in pages[0]
    for number, page in enumerate(pages, 1):
        assert PAGE_NUMBER.sub("", page), f"page {number} of {len(pages)} is blank"
    if kind in OFFICIAL:
        assert "印发" in pages[-1]  # the 版记 closes the last page
