"""The line estimator (service/engine/layout.py) on bodies whose lines and pages are known, in the shipped 公文
styles: 28 characters and 22 lines a page, breaks, keep-with-next, widows, and each engine's punctuation."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

from service import engine
from service.engine.layout import LIBREOFFICE, WORD, Estimator, Section, Styles, w
from templates import preview

FILLER = ("各党支部认真学习贯彻会议精神结合实际抓好工作推进确保各项任务按期完成" * 3)[:54]
NAMESPACE = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
SECTION = ('<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" '
           'w:left="1588"/><w:docGrid w:type="linesAndChars" w:linePitch="579" w:charSpace="-849"/></w:sectPr>')
LINE = 579


@pytest.fixture(scope="module")
def styles() -> Styles:
    """The shipped policy template's styles."""
    with zipfile.ZipFile(preview.CATALOG.get("policy").template_path) as package:
        return Styles(package.read("word/styles.xml"))


def paragraph(text: str, style: str | None = None, extra: str = "") -> str:
    """A paragraph's XML: its style, more paragraph properties, one run of text."""
    style_xml = f'<w:pStyle w:val="{style}"/>' if style else ""
    return f'<w:p><w:pPr>{style_xml}{extra}</w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'


def body(*paragraphs: str):
    """A w:body of the paragraphs on the GB/T 9704 page."""
    return etree.fromstring(f"<w:body {NAMESPACE}>{''.join(paragraphs)}{SECTION}</w:body>")


def lines(styles: Styles, xml: str, engine=LIBREOFFICE) -> int:
    """How many lines one paragraph takes."""
    element = etree.fromstring(xml.replace("<w:p>", f"<w:p {NAMESPACE}>", 1))
    section = Section.of(body().find(w("sectPr")), styles.body_size)
    (block,) = Estimator(styles, engine).blocks([element], section)
    return len(block.lines)


def test_the_section_gives_the_text_block_and_the_grid(styles):
    section = Section.of(body().find(w("sectPr")), styles.body_size)
    assert (section.width, section.height, section.pitch) == (8844, 12756, LINE)
    assert 28 * section.cell == pytest.approx(442.2, abs=0.01)


def test_a_full_line_holds_28_characters_with_the_two_character_indent_26(styles):
    assert lines(styles, paragraph(FILLER)) == 2  # 2 + 54 = 56 cells
    assert lines(styles, paragraph(FILLER + "各")) == 3
    assert lines(styles, paragraph(FILLER[:28], extra='<w:ind w:firstLineChars="0" w:firstLine="0"/>')) == 1
    assert lines(styles, paragraph(FILLER[:29], extra='<w:ind w:firstLineChars="0" w:firstLine="0"/>')) == 2


def test_digits_are_half_width(styles):
    assert lines(styles, paragraph(FILLER[:24] + "2026")) == 1  # 2 + 24 + 4 × ½ = 28 cells
    assert lines(styles, paragraph(FILLER[:25] + "2026")) == 2


def test_line_breaks_give_the_titles_lines(styles):
    title = '<w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>关于印发</w:t><w:br/><w:t>规定的通知</w:t></w:r></w:p>'
    assert lines(styles, title) == 2


def test_a_closing_mark_takes_the_character_before_it_in_libreoffice_and_hangs_in_word(styles):
    text = FILLER[:26] + "。" + FILLER[:28]  # the 。 is the 29th cell of the first line
    assert lines(styles, paragraph(text), LIBREOFFICE) == 3  # 25 | 确。 + 26 | 2
    assert lines(styles, paragraph(text), WORD) == 2  # 26 and the hanging 。 | 28


def test_eleven_two_line_paragraphs_fill_a_page(styles):
    end = Estimator(styles).end(body(*[paragraph(FILLER)] * 11))
    assert (end.page, end.used, end.room) == (1, 22 * LINE, 12756 - 22 * LINE)
    end = Estimator(styles).end(body(*[paragraph(FILLER)] * 12))
    assert (end.page, end.used) == (2, 2 * LINE)


def test_a_page_break_before_starts_a_new_page(styles):
    end = Estimator(styles).end(body(paragraph(FILLER), paragraph("附件", extra="<w:pageBreakBefore/>")))
    assert (end.page, end.used) == (2, LINE)


def test_libreoffice_keeps_two_lines_together_word_splits_anywhere(styles):
    paragraphs = [paragraph("一行")] * 21 + [paragraph(FILLER)]  # its second line would be alone on page 2
    word, libreoffice = (Estimator(styles, engine).end(body(*paragraphs)) for engine in (WORD, LIBREOFFICE))
    assert (word.page, word.used) == (2, LINE)
    assert (libreoffice.page, libreoffice.used) == (2, 2 * LINE)


def test_a_heading_keeps_with_the_next_paragraph(styles):
    paragraphs = [paragraph("一行")] * 21 + [paragraph("一、标题", "Heading1"), paragraph("一行")]
    end = Estimator(styles).end(body(*paragraphs))
    assert (end.page, end.used) == (2, 2 * LINE)


def test_a_value_the_estimate_cannot_read_keeps_the_templates_placement():
    """A line spacing written as 35mm (a universal measure) is not read: the 版记 stays in its footer section."""
    kind = preview.CATALOG.get("commendation")
    with zipfile.ZipFile(kind.template_path) as package:
        entries = {name: package.read(name) for name in package.namelist()}
    entries["word/styles.xml"] = entries["word/styles.xml"].replace(b'w:line="579"', b'w:line="35mm"')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name, content in entries.items():
            package.writestr(name, content)
    document = kind.render(kind.example_data(), engine.from_bytes(buffer.getvalue()))[0]
    with zipfile.ZipFile(io.BytesIO(document)) as package:
        assert b"w:tblpPr" not in package.read("word/document.xml")
        assert b'w:type w:val="evenPage"' in package.read("word/document.xml")
