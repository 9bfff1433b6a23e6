"""Property tests: any text a user can type comes back out of the .docx exactly."""

from __future__ import annotations

import io

import docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service import engine

from .conftest import make_template

ILLEGAL = "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]))
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters=ILLEGAL), max_size=200)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT)
def test_any_text_round_trips(tmp_path_factory, text):
    """The paragraph text equals the input, with \\r\\n and \\r read back as \\n."""
    path = tmp_path_factory.getbasetemp() / "roundtrip.docx"
    if not path.exists():
        make_template(path, ["{{ text }}"])
    out = engine.load(path).render({"text": text})
    paragraph = docx.Document(io.BytesIO(out)).paragraphs[0]
    assert paragraph.text == text.replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries({"name": TEXT, "role": TEXT}), max_size=8))
def test_tables_round_trip_and_open(tmp_path_factory, rows):
    """Every output opens with python-docx and each row's cells hold the input."""
    path = tmp_path_factory.getbasetemp() / "rows.docx"
    if not path.exists():
        document = docx.Document()
        table = document.add_table(rows=3, cols=2)
        table.rows[0].cells[0].text = "{%tr for r in rows %}"
        table.rows[1].cells[0].text = "{{ r.name }}"
        table.rows[1].cells[1].text = "{{ r.role }}"
        table.rows[2].cells[0].text = "{%tr endfor %}"
        document.save(path)
    out = engine.load(path).render({"rows": rows})
    table = docx.Document(io.BytesIO(out)).tables[0]
    expected = [[cell.replace("\r\n", "\n").replace("\r", "\n") for cell in (r["name"], r["role"])] for r in rows]
    assert [[cell.text for cell in row.cells] for row in table.rows] == expected
