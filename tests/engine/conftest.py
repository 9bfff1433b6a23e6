"""Helpers shared by the engine tests: docxtpl as the reference, package comparison."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

CONFORMANCE = Path(__file__).resolve().parents[2] / ".." / "shared" / "conformance" / "docxtpl-templates"
CONTENT_PARTS = ("word/document.xml", "word/header", "word/footer", "word/footnotes.xml", "word/comments.xml")


def docxtpl_render(path: Path, context: dict) -> bytes:
    """Render with plain docxtpl 0.20 in the same sandboxed autoescaping environment."""
    template = DocxTemplate(str(path))
    template.render(context, jinja_env=SandboxedEnvironment(autoescape=True), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def entries(data: bytes) -> dict[str, bytes]:
    """The package's file entries (directory entries left out)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if not name.endswith("/")}


def c14n(xml: bytes) -> str:
    """Canonical XML 2.0 of a part, prefixes rewritten (equal namespaces, any prefix)."""
    return etree.canonicalize(xml.decode("utf-8"), rewrite_prefixes=True)


def child_set(xml: bytes) -> set[bytes]:
    """The root's non-empty children, canonicalised, as a set (order and empty entries ignored)."""
    root = etree.fromstring(xml)
    return {c14n(etree.tostring(child)) for child in root if len(child) or (child.text or "").strip() or child.attrib}


def content_types(package: dict[str, bytes]) -> dict[str, str]:
    """Each part's effective content type: its Override, else the Default for its extension."""
    root = etree.fromstring(package["[Content_Types].xml"])
    defaults = {e.get("Extension").lower(): e.get("ContentType") for e in root if e.get("Extension")}
    overrides = {e.get("PartName"): e.get("ContentType") for e in root if e.get("PartName")}
    return {
        name: overrides.get("/" + name) or defaults.get(name.rsplit(".", 1)[-1].lower(), "")
        for name in package
        if name != "[Content_Types].xml"
    }


def document_text(data: bytes) -> str:
    """All paragraph text of the body, tables included, one paragraph a line."""
    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    return "\n".join("".join(t.text or "" for t in p.iter(docx.oxml.ns.qn("w:t"))) for p in body.iter(docx.oxml.ns.qn("w:p")))


@pytest.fixture
def conformance_dir() -> Path:
    """The docxtpl test templates shipped in ../shared/."""
    if not CONFORMANCE.is_dir():
        pytest.skip(f"conformance templates not found at {CONFORMANCE}")
    return CONFORMANCE


def make_template(path: Path, paragraphs: list[str], table: list[list[str]] | None = None) -> Path:
    """Write a small .docx whose paragraphs (and optional table rows) hold the given tag text."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table):
            for cell, text in zip(row.cells, cells):
                cell.text = text
    document.save(path)
    return path


@pytest.fixture
def text_template(tmp_path) -> Path:
    """A template with one paragraph printing `text`."""
    return make_template(tmp_path / "text.docx", ["前{{ text }}后"])
