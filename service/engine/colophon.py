"""The 版记 of a GB/T 9704 公文 placed once the filled body is laid out: at the foot of the page the text ends on.

A 公文 template ends its body with a section break to an even page and keeps the 版记 table in that last
section's even-page footer: in any engine the 版记 lands on an even page with its last rule on the text
block's foot, but on a page of its own, with no page number. After rendering, the body's end is estimated
(service/engine/layout.py) and, when the estimate is clear of any page boundary:

- text ending on an even page with room for the 版记: the table moves into the body as a floating table
  bottom-aligned on the text block, anchored to an invisible paragraph after the text, on that page;
- text ending on an odd page: the same, the anchor starting a new (even) page;

and the last section goes (its footers too), so the 版记 page keeps the body's page number. Otherwise (an
even page without room, an estimate near a page boundary, or Word and LibreOffice ending the text on
different pages) the document stays as the template made it: a blank page and the 版记 page, both
unnumbered, as GB/T 9704 §7.5 asks. docs/templates.md has the measurements.
"""

from __future__ import annotations

import copy
import posixpath
from dataclasses import dataclass

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from . import package
from .layout import BODY_SECT_PR, LIBREOFFICE, P, P_PR, SECT_PR, WORD, W, Estimator, Styles, w

R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
PARSER = etree.XMLParser(resolve_entities=False)
# Grid lines kept clear between the estimated end of the text and a page boundary (and above the 版记):
# the estimate was within 0.4 mm of LibreOffice's layout on 178 bodies (docs/templates.md); a whole line
# (10.2 mm) also covers what the estimate does not model (an uploaded template's tables, pictures, fonts).
MARGIN_LINES = 1
WORD_CELL_MARGIN = 108  # twips: a table cell's side margin when the table sets none
HERE, NEXT = "here", "next"
# What reading a layout value the estimate does not understand raises (w:line="35mm", a missing part).
UNREADABLE = (ValueError, TypeError, KeyError, AttributeError, IndexError, ZeroDivisionError)
# An empty paragraph 1 pt high, off the grid: the 版记's anchor when no empty paragraph ends the text.
INVISIBLE = (f'<w:p xmlns:w="{W}"><w:pPr><w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" '
             'w:line="20" w:lineRule="exact"/><w:ind w:firstLine="0" w:firstLineChars="0"/><w:rPr><w:sz w:val="2"/>'
             '</w:rPr></w:pPr></w:p>')


@dataclass(frozen=True)
class Colophon:
    """Where a template keeps its 版记: the main part, the footer part holding the table, and the parts and
    relationships only the last section uses (dropped when the 版记 moves into the body)."""

    main: str
    footer: str
    dropped: tuple[str, ...]
    relationships: str
    styles: Styles

    @classmethod
    def find(cls, entries: dict[str, bytes], main: str, document) -> Colophon | None:
        """The template's 版记 when its body (of the parsed main part `document`) ends with a section that
        starts on an even page and whose even-page footer holds a table, else None (the template is left
        alone)."""
        body = document.find(w("body"))
        last = body.find(w("sectPr")) if body is not None else None
        start = last.find(w("type")) if last is not None else None
        if start is None or start.get(w("val")) != "evenPage" or _break(body) is None:
            return None
        folder, name = posixpath.split(main)
        relationships = posixpath.join(folder, "_rels", f"{name}.rels")
        try:
            found = package.relationships(entries[relationships], folder)
            targets = {rel_id: part for rel_id, _, part in found}
            references = {ref.get(w("type")): targets.get(ref.get(R_ID)) for ref in last.iter(w("footerReference"))}
            footer = references.get("even")
            if footer is None or etree.fromstring(entries[footer], PARSER).find(w("tbl")) is None:
                return None
            by_type = {kind: part for _, kind, part in found}
        except (KeyError, etree.XMLSyntaxError):
            return None
        used_elsewhere = {targets.get(ref.get(R_ID)) for sectpr in body.iter(w("sectPr")) if sectpr is not last
                          for ref in sectpr.iter(w("footerReference"), w("headerReference"))}
        dropped = tuple(sorted({part for part in references.values() if part and part not in used_elsewhere}))
        settings = entries.get(by_type.get(RT.SETTINGS, ""))
        return cls(main, footer, dropped, relationships,
                   Styles(entries.get(by_type.get(RT.STYLES, "")), _default_tab(settings)))

    def place(self, document: bytes, footer: bytes) -> bytes | None:
        """The filled main part with the 版记 (from the filled `footer`) moved into the body, or None when the
        template's placement stays (an even page without room, or an uncertain estimate)."""
        root = etree.fromstring(document, PARSER)
        body = root.find(w("body"))
        holder = _break(body)
        table = etree.fromstring(footer, PARSER).find(w("tbl"))
        if holder is None or table is None:
            return None
        sectpr = holder.find(BODY_SECT_PR)
        memo: dict = {}
        estimators = [Estimator(self.styles, engine, memo) for engine in (LIBREOFFICE, WORD)]
        try:
            section = estimators[0].section(sectpr)
            # LibreOffice's lines, which never hang a mark in the margin, are the 版记's tallest.
            needed = sum(block.height for block in estimators[0].blocks([table], section))
            # The placement must hold in the PDF and in Word.
            choices = {decide(estimator.end(body, holder), needed, section.pitch) for estimator in estimators}
        except UNREADABLE:
            return None  # a value the estimate cannot read (a spacing of "35mm"): the template's placement stays
        if len(choices) != 1 or None in choices:
            return None
        move(body, holder, sectpr, table, choices.pop() == NEXT)
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def without_last_section(self, entries: dict[str, bytes]) -> dict[str, bytes]:
        """The package's fixed parts once the last section is gone: its own footers and their relationships
        and content types left out."""
        folder = posixpath.dirname(self.main)
        kept = {name: content for name, content in entries.items() if name not in self.dropped}
        rels = etree.fromstring(entries[self.relationships])
        for relationship in list(rels):
            if package.part_name(folder, relationship.get("Target", "")) in self.dropped:
                rels.remove(relationship)
        kept[self.relationships] = etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True)
        types = etree.fromstring(entries["[Content_Types].xml"])
        for override in list(types.iter(f"{package.TYPES_NS}Override")):
            if override.get("PartName", "").lstrip("/") in self.dropped:
                types.remove(override)
        kept["[Content_Types].xml"] = etree.tostring(types, xml_declaration=True, encoding="UTF-8", standalone=True)
        return kept


def decide(end, needed: int, pitch: int) -> str | None:
    """Where the 版记 goes for a body ending at `end` (a layout.End), the table `needed` twips high:
    HERE (the foot of this even page), NEXT (a new even page) or None (the template's placement)."""
    margin = MARGIN_LINES * pitch
    if end.page > 1 and end.used < margin:
        return None  # the text may end on the page before
    if end.page % 2 == 0:
        return HERE if end.used + margin + needed <= end.height else None
    return NEXT if end.used + margin <= end.height else None


def move(body, holder, sectpr, table, new_page: bool) -> None:
    """Put a copy of the 版记 `table` as a table floating at the foot of the text block, anchored to the
    paragraph after the text (the empty paragraph `holder` of the section break, or a new invisible one when
    the break sits in a paragraph of text, as LibreOffice saves it), the anchor starting a new page when
    asked; the section `sectpr` ends becomes the last one."""
    table = copy.deepcopy(table)
    properties = table.find(w("tblPr"))
    if properties is None:
        properties = etree.Element(w("tblPr"))
        table.insert(0, properties)
    for old in properties.findall(w("tblpPr")):
        properties.remove(old)
    margins = sectpr.find(w("pgMar"))
    left = int(margins.get(w("left"), 1800)) if margins is not None else 1800
    # LibreOffice floats a table only when it is narrower than the block it is positioned in: the page, not
    # the margins, horizontally. Word and LibreOffice put the cells' text, not the border, at tblpX.
    position = etree.Element(w("tblpPr"), {w("horzAnchor"): "page", w("tblpX"): str(left + _cell_margin(properties)),
                                           w("vertAnchor"): "margin", w("tblpYSpec"): "bottom"})
    style = properties.find(w("tblStyle"))
    properties.insert(properties.index(style) + 1 if style is not None else 0, position)
    sectpr.getparent().remove(sectpr)
    for element in list(holder.itersiblings()):
        body.remove(element)
    body.append(sectpr)
    anchor = holder
    if "".join(holder.itertext()).strip() or holder.find(f".//{w('drawing')}") is not None:
        anchor = etree.fromstring(INVISIBLE)
        holder.addnext(anchor)
    paragraph_properties = anchor.find(w("pPr"))
    if paragraph_properties is None:
        paragraph_properties = etree.Element(w("pPr"))
        anchor.insert(0, paragraph_properties)
    if new_page:
        after = [paragraph_properties.find(w(tag)) for tag in ("pStyle", "keepNext", "keepLines")]
        index = max((paragraph_properties.index(found) + 1 for found in after if found is not None), default=0)
        paragraph_properties.insert(index, etree.Element(w("pageBreakBefore")))
    anchor.addprevious(table)


def _break(body):
    """The paragraph holding the body's last section break, when only empty paragraphs follow it."""
    found = None
    for sectpr in body.iter(SECT_PR):
        holder = sectpr.getparent()
        if holder.tag == P_PR and holder.getparent().getparent() is body:
            found = holder.getparent()
    if found is None:
        return None
    for element in found.itersiblings():
        if element.tag != SECT_PR and (element.tag != P or "".join(element.itertext()).strip()):
            return None
    return found


def _cell_margin(properties) -> int:
    """The table's left cell margin in twips."""
    margins = properties.find(w("tblCellMar"))
    side = next((found for tag in ("left", "start") if margins is not None
                 and (found := margins.find(w(tag))) is not None), None)
    return int(side.get(w("w"), WORD_CELL_MARGIN)) if side is not None else WORD_CELL_MARGIN


def _default_tab(settings: bytes | None) -> int:
    """The document's default tab stop in twips (w:defaultTabStop), Word's 720 if unset."""
    if not settings:
        return 720
    found = etree.fromstring(settings).find(w("defaultTabStop"))
    return int(found.get(w("val"), 720)) if found is not None else 720
