"""Where the 版记 goes (service/engine/colophon.py), decided from the estimated end of the text, and the
filled package it gives: without LibreOffice (tests/fidelity measures the PDFs)."""

from __future__ import annotations

import io
import zipfile

import pytest

from service.engine.colophon import HERE, NEXT, decide
from service.engine.layout import End
from tests.fidelity.documents import CASES

LINE, PAGE = 579, 12756
TABLE = 1200  # a 版记 of two rows


@pytest.mark.parametrize(("page", "lines", "placement"), [
    (1, 15, NEXT),  # odd page: a new even page
    (2, 10, HERE),  # even page with room: at its foot
    (2, 19, None),  # even page: the 版记 and a spare line do not fit
    (3, 21.5, None),  # within a line of the foot: it may run onto the next page
    (4, 0.5, None),  # within a line of the head: it may end on the page before
    (4, 2, HERE),
])
def test_the_placement_keeps_a_line_clear_of_every_page_boundary(page, lines, placement):
    assert decide(End(page, round(lines * LINE), PAGE), TABLE, LINE) == placement


def package(case) -> dict[str, bytes]:
    """The parts of the case's document."""
    with zipfile.ZipFile(io.BytesIO(case.render())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_a_placed_colophon_leaves_one_section_and_no_colophon_footer(case):
    """The 版记 in the body (floating, bottom-aligned) and the last section's footers gone from the package,
    or, for a full even page, the template's section and footers as they were."""
    parts = package(case)
    document = parts["word/document.xml"].decode()
    footers = [name for name in parts if name.startswith("word/footer")]
    if case.ends == "full even page":
        assert "w:tblpPr" not in document and document.count("<w:sectPr") == 2
        assert any("印发" in parts[name].decode() for name in footers)
        return
    assert document.count("<w:sectPr") == 1 and 'w:val="evenPage"' not in document
    assert '<w:tblpPr w:horzAnchor="page" w:tblpX="1903" w:vertAnchor="margin" w:tblpYSpec="bottom"/>' in document
    assert document.index("印发") < document.index("<w:sectPr")
    assert ("<w:pageBreakBefore/>" in document.split("印发")[-1]) == (case.ends in ("odd page", "page 1"))
    assert not any("印发" in parts[name].decode() for name in footers)
    for name in ("word/_rels/document.xml.rels", "[Content_Types].xml"):
        assert all(footer.removeprefix("word/") in parts[name].decode() for footer in footers)
        assert parts[name].decode().count("footer") == 2 * len(footers)  # a part's name and its type
