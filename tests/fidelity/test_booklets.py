"""The manual and the certificate rendered to PDF by the app's converter and measured.

Run with -s to see the figures (docs/<kind>.md quotes them).
"""

from __future__ import annotations

import io
import re
import zipfile

import docx
import pytest

from templates import preview

from .measure import Layout

CHAPTER = re.compile(r"^(.+?)·+(\d+)$")  # a contents line: title, dot leader, page number


@pytest.fixture(scope="module")
def manual(pool) -> tuple[bytes, Layout]:
    """The manual's example as .docx and as a measured PDF."""
    document = preview.render_example("branch-manual")
    return document, Layout(pool.convert(document))


@pytest.fixture(scope="module")
def certificate(pool) -> Layout:
    """The certificate's example as a measured PDF."""
    return Layout(pool.convert(preview.render_example("certificate")))


def test_manual_contents_show_page_numbers_in_word_and_in_the_pdf(manual):
    """Word updates the contents' PAGEREF fields on opening; the PDF's numbers are the chapters' pages."""
    document, layout = manual
    with zipfile.ZipFile(io.BytesIO(document)) as package:
        settings = package.read("word/settings.xml").decode()
    assert '<w:updateFields w:val="true"/>' in settings
    entries = [CHAPTER.match(line.text) for line in layout.pages[1].lines]
    entries = [(match[1], int(match[2])) for match in entries if match]
    assert len(entries) == 9
    for title, number in entries:
        heading = next(page.number for page in layout.pages[2:] for line in page.lines if line.text == title
                       or (line.text.startswith("附件") and title.startswith(line.text)))
        print(f"contents: {title} … {number} (heading on page {heading})")
        assert heading == number


def test_manual_tables_that_fit_a_page_are_not_split(manual):
    """Roster, schedule and contacts: every row on one page; each table's header row repeats on its page."""
    document, layout = manual
    tables = docx.Document(io.BytesIO(document)).tables
    for table in tables:
        header = "".join(cell.text for cell in table.rows[0].cells)
        if header not in ("序号姓名原所在党支部支部职务党员类别联系电话", "活动频次主要内容", "姓名（单位）职务联系电话"):
            continue
        firsts = ["".join(row.cells[1 if header.startswith("序号") else 0].text.split()) for row in table.rows[1:]]
        pages = {page.number for page in layout.pages for line in page.lines for first in firsts
                 if line.text.startswith(first)}
        print(f"table {header[:8]}…: {len(firsts)} rows on pages {sorted(pages)}")
        assert len(pages) == 1, header


def test_certificate_content_is_centred_inside_the_border(certificate):
    """From the certificate number to the date, the content sits within 10 mm of the border's middle."""
    (page,) = certificate.pages
    border = [rule for rule in page.rules if rule.width > 200]
    inner_top, inner_bottom = border_box(page, border)
    top, bottom = page.lines[0].top, max(line.bottom for line in page.lines)
    print(f"certificate: content {top - inner_top:.1f} mm under the border, {inner_bottom - bottom:.1f} mm above it")
    assert abs((top - inner_top) - (inner_bottom - bottom)) <= 10


def border_box(page, rules) -> tuple[float, float]:
    """The top and bottom of the area inside the page border's inner lines."""
    ys = sorted({rule.y for rule in rules})
    middle = 210 / 2
    return max(y for y in ys if y < middle), min(y for y in ys if y > middle)

