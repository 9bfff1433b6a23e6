"""Every 公文 kind rendered to PDF by the app's converter and measured against GB/T 9704-2012.

Run with -s to see the figures (docs/<kind>.md quotes them).
"""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from lxml import etree

from service import engine
from service.engine.filters import shaped, text_width
from templates import preview

from .documents import CASES, Case
from .measure import TEXT_BOTTOM, TEXT_LEFT, TEXT_RIGHT, TEXT_TOP, Layout, Line, Page, is_cjk

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
OFFICIAL = ["meeting-minutes", "policy", "commendation"]
SIGNED = ["policy", "commendation"]  # 纪要 carry no 署名
CHAR = 156 / 28  # one character of the 28-character line, mm
LINE_PITCH = 28.95 * 25.4 / 72  # mm
FIRST_ROW_TOP = 40.46  # mm: the ink top of 3号 仿宋 on the first line of the text block
COLOPHON_HEIGHT = 30  # mm a 版记 of three rules and two lines needs above the text block's foot


@pytest.fixture(scope="module")
def examples(pool) -> dict[str, Layout]:
    """Each 公文 kind's example as a measured PDF."""
    return {kind: Layout(pool.convert(preview.render_example(kind))) for kind in OFFICIAL}


@pytest.fixture(scope="module")
def cases(pool) -> dict[str, Layout]:
    """Every case of documents.CASES as a measured PDF."""
    return {case.id: Layout(pool.convert(case.render())) for case in CASES}


def red_rule(layout: Layout):
    """The red rule of page 1 and the line right above it (the 发文字号, or the 纪要's unit and date)."""
    page = layout.pages[0]
    (rule,) = [rule for rule in page.rules if rule.color == (1.0, 0.0, 0.0)]
    above = max((line for line in page.lines if line.bottom < rule.y), key=lambda line: line.bottom)
    return rule, above


def title_lines(layout: Layout) -> list[Line]:
    """The 2号 title's lines on page 1."""
    return [line for line in layout.pages[0].body if round(line.size) == 22]


@pytest.mark.parametrize("kind", OFFICIAL)
def test_mark_sits_35_mm_below_the_text_block(examples, kind):
    """The red 发文机关标志 / 纪要标志: its top 35 ± 1 mm below the top of the text block, centred."""
    mark = examples[kind].pages[0].lines[0]
    assert mark.color == (1.0, 0.0, 0.0)
    print(f"{kind}: 标志 top {mark.top - TEXT_TOP:.1f} mm below the text block, centre {mark.centre:.1f} mm")
    assert mark.top - TEXT_TOP == pytest.approx(35, abs=1)
    assert mark.centre == pytest.approx((TEXT_LEFT + TEXT_RIGHT) / 2, abs=1)


@pytest.mark.parametrize("kind", OFFICIAL)
def test_red_rule_spans_the_text_block_4_mm_under_the_number(examples, kind):
    """The red rule: 156 mm from the left edge of the text block, 4 ± 1 mm under the line above it."""
    rule, above = red_rule(examples[kind])
    print(f"{kind}: rule {rule.width:.1f} mm wide from {rule.left:.1f} mm, {rule.y - above.bottom:.1f} mm under "
          f"{above.text}, {rule.thickness:.2f} mm thick")
    assert rule.width == pytest.approx(156, abs=0.5)
    assert rule.left == pytest.approx(TEXT_LEFT, abs=0.5)
    assert rule.y - above.bottom == pytest.approx(4, abs=1)


@pytest.mark.parametrize("kind", SIGNED)
def test_signature_is_centred_over_the_date(examples, kind):
    """署名 centred over 成文日期 ± 1 mm; the date ends about 4 characters from the right (within one)."""
    context = preview.example_context(kind)
    layout = examples[kind]
    date = layout.find(context["date_text"])
    page = next(page for page in layout.pages if date in page.lines)
    signature = max((line for line in page.lines if line.text == context["signatory"] and line.top < date.top),
                    key=lambda line: line.top)
    print(f"{kind}: 署名 centre {signature.centre:.1f} mm, date centre {date.centre:.1f} mm, "
          f"date {(TEXT_RIGHT - date.right) / CHAR:.2f} characters from the right")
    assert signature.centre == pytest.approx(date.centre, abs=1)
    assert (TEXT_RIGHT - date.right) / CHAR == pytest.approx(4, abs=1)
    assert date.top - signature.bottom < LINE_PITCH


@pytest.mark.parametrize("kind", OFFICIAL)
def test_title_keeps_the_services_line_breaks(examples, kind):
    """The PDF's title lines are the lines the service wrote (line breaks), centred, trapezoid or diamond."""
    document = docx.Document(io.BytesIO(preview.render_example(kind)))
    written = next(para.text for para in document.paragraphs if para.style.name == "Title").split("\n")
    lines = title_lines(examples[kind])
    widths = [text_width(line.text) for line in lines]
    print(f"{kind}: title lines {[line.text for line in lines]}")
    assert [line.text for line in lines] == written
    assert shaped(widths)
    for line in lines:
        assert line.centre == pytest.approx((TEXT_LEFT + TEXT_RIGHT) / 2, abs=1)
        assert TEXT_LEFT - 0.5 <= line.left and line.right <= TEXT_RIGHT + 0.5


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_full_lines_hold_28_characters_and_pages_22_lines(cases, case):
    """Lines that span the text block hold 28 characters; after page 1 every line sits on one of the grid's 22."""
    layout = cases[case.id]
    full = [line for page in layout.pages for line in page.body
            if line.size == 16 and all(map(is_cjk, line.text)) and line.left == pytest.approx(TEXT_LEFT, abs=0.5)
            and line.right == pytest.approx(TEXT_RIGHT, abs=1)]
    print(f"{case.id}: {len(full)} full lines of {sorted({len(line.text) for line in full})} characters")
    assert {len(line.text) for line in full} == ({28} if case.length else set())
    for page in layout.pages[1:]:
        rows = grid_rows(page)
        assert all(row == pytest.approx(round(row), abs=0.05) for row in rows), page.number
        assert all(round(row) < 22 for row in rows), page.number


@pytest.mark.parametrize("kind", OFFICIAL)
def test_a_full_page_holds_22_lines(cases, kind):
    """Some page after the first of the kind's cases uses all 22 lines of the grid."""
    rows = [grid_rows(page) for case in CASES if case.kind == kind for page in cases[case.id].pages[1:]]
    fullest = max(round(row) + 1 for page in rows for row in page)
    print(f"{kind}: the fullest page uses {fullest} lines of the grid")
    assert fullest == 22


def grid_rows(page: Page) -> list[float]:
    """The grid rows (0 = the first line of the text block) of a page's 3号 lines."""
    return [(line.top - FIRST_ROW_TOP) / LINE_PITCH for line in page.body if line.size == 16]


def colophon_rules(layout: Layout):
    """The 版记's page and its black rules as wide as the text block."""
    page = layout.pages[-1]
    return page, [rule for rule in page.rules if rule.width > 150 and rule.color != (1.0, 0.0, 0.0)]


def text_lines(layout: Layout, page: Page) -> list[Line]:
    """A page's 3号 text lines, without the 版记's."""
    colophon, rules = colophon_rules(layout)
    return [line for line in page.body if line.size == 16 and (page is not colophon or line.bottom < rules[0].y)]


def body_end(layout: Layout) -> Page:
    """The last page holding text above the 版记."""
    return [page for page in layout.pages if text_lines(layout, page)][-1]


def assert_colophon_placed(layout: Layout, foot: float, ends: str | None = None) -> Page:
    """The 版记 on an even page, its last rule on the text block's `foot` (mm): on the text's last page when
    that is even with room, else on the next page, numbered; after a blank page, both unnumbered, only when
    the text fills an even page (`ends` "full even page"). Every other page numbered in order."""
    end = body_end(layout)
    colophon, rules = colophon_rules(layout)
    print(f"text ends on page {end.number} at {text_lines(layout, end)[-1].bottom:.1f} "
          f"mm; 版记 on page {colophon.number} of {len(layout.pages)}, last rule at {rules[-1].y:.1f} mm; page "
          f"numbers {[page.folio.text if page.folio else None for page in layout.pages]}")
    assert colophon.number % 2 == 0
    assert len(rules) == 3 and all(rule.width == pytest.approx(156, abs=0.5) for rule in rules)
    assert rules[-1].y == pytest.approx(foot, abs=1)
    if ends == "full even page" or (ends is None and colophon.number == end.number + 2):
        assert colophon.number == end.number + 2 and layout.pages[end.number].blank
        assert colophon.folio is None
        numbered = layout.pages[:end.number]
    else:
        assert colophon.number == (end.number if end.number % 2 == 0 else end.number + 1)
        numbered = layout.pages
    for page in numbered:
        assert page.folio is not None and page.folio.text == f"—{page.number}—"
        side = page.folio.right if page.number % 2 else page.folio.left
        assert side == pytest.approx(TEXT_RIGHT - 5 if page.number % 2 else TEXT_LEFT + 5, abs=0.6)
    return end


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_colophon_ends_an_even_page_on_the_text_block_foot(cases, case):
    """The 版记's last rule 262 ± 1 mm on an even page: under the text when it ends on an even page with room,
    on the next page when it ends on an odd one (both numbered), after a blank page when the text fills an
    even page (the blank page and the 版记 page unnumbered)."""
    print(case.id, end=": ")
    layout = cases[case.id]
    end = assert_colophon_placed(layout, TEXT_BOTTOM, case.ends)
    assert_case(case, end, text_lines(layout, end)[-1].bottom)


def assert_case(case: Case, end: Page, bottom: float) -> None:
    """The body ends where the case says, its last line's foot at `bottom` mm (else the case's length needs
    adjusting to the layout)."""
    if case.ends == "page 1":
        assert end.number == 1
    elif case.ends == "odd page":
        assert end.number % 2 == 1 and end.number > 1
    elif case.ends == "even page":
        assert end.number % 2 == 0 and bottom < TEXT_BOTTOM - COLOPHON_HEIGHT
    else:
        assert end.number % 2 == 0 and bottom > TEXT_BOTTOM - COLOPHON_HEIGHT


def shorter_page_variant(kind: str, lines: int) -> bytes:
    """The kind's shipped template as an organisation might change it: a text block `lines` grid lines
    shorter (a larger bottom margin, the 版记 footer that much higher)."""
    source = preview.CATALOG.get(kind).template_path
    extra = lines * 579
    with zipfile.ZipFile(source) as package:
        entries = {name: package.read(name) for name in package.namelist()}
    root = etree.fromstring(entries["word/document.xml"])
    for margins in root.iter(f"{{{W}}}pgMar"):
        for side in ("bottom", "footer"):
            if side == "bottom" or margins.get(f"{{{W}}}footer") == margins.get(f"{{{W}}}bottom"):
                margins.set(f"{{{W}}}{side}", str(int(margins.get(f"{{{W}}}{side}")) + extra))
    entries["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in entries.items():
            package.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize("case", [case for case in CASES if case.ends != "full even page"], ids=lambda case: case.id)
def test_an_uploaded_variant_gets_the_placement_by_its_own_page(pool, case):
    """A variant whose text block is 3 lines shorter: the estimate reads its page, so the 版记 still ends an
    even page on that text block's foot, numbered unless a blank page precedes it."""
    kind = preview.CATALOG.get(case.kind)
    template = engine.from_bytes(shorter_page_variant(case.kind, 3))
    layout = Layout(pool.convert(kind.render(case.data(), template)[0]))
    print(case.id, "(variant)", end=": ")
    assert_colophon_placed(layout, TEXT_BOTTOM - 3 * LINE_PITCH)
