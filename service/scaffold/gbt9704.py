"""GB/T 9704-2012 layout shared by every template: page, styles, 公文 elements, footers."""

from __future__ import annotations

import io
import math
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import XmlPart
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Twips
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

A4_SHORT, A4_LONG = 11906, 16838
MARGINS = {"top": 2098, "left": 1588, "bottom": 1984, "right": 1474}
FOOTER_DISTANCE = 1417  # 25 mm: puts the dashes of "— 1 —" 7 mm under the text block
LINE_PITCH = 579  # 28.95 pt: 22 lines in the 225 mm text block
TEXT_WIDTH = A4_SHORT - MARGINS["left"] - MARGINS["right"]  # 156 mm
BODY_PT = 16  # 3号
CHARS_PER_LINE = 28
# Word widens each character cell by charSpace/4096 pt beyond the body font size.
CHAR_SPACE = math.floor((TEXT_WIDTH / 20 / CHARS_PER_LINE - BODY_PT) * 4096)
CHAR = TEXT_WIDTH // CHARS_PER_LINE  # one character cell in twips
# LibreOffice lays the 3号 body out without the grid's charSpace: each character 16 pt wide gives
# 27 a line. Condensing every character by 0.25 pt (in twips) fits 28 there too; Word still puts
# each character in one grid cell, so both show 28 × 22.
CONDENSED = -5
RED, BLACK = "FF0000", "000000"
LATIN = "Times New Roman"
FANGSONG, KAITI, HEITI, SONGTI = "仿宋_GB2312", "楷体_GB2312", "黑体", "宋体"
XIAOBIAOSONG = "方正小标宋简体"
FIXED_TIME = datetime(2026, 1, 1)  # core properties and zip entries of every build
# Parts of python-docx's default template that no template uses: its thumbnail, its list
# definitions (tied to stock list styles) and Word 2010's copy of all its stock styles.
STOCK_PARTS = (RT.THUMBNAIL, RT.NUMBERING, "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects")
# Points between the 发文字号's line and the red rule: its ink ends 1.8 mm above the line's foot,
# so the rule is drawn 4 mm under the characters.
RED_RULE_SPACE = 6
FOOTER_CHAR = 280  # one 4号 character, the page number's inset
MARK_TOP = 1984  # 35 mm: the 发文机关标志 below the top of the text block


@dataclass(frozen=True)
class Style:
    """What a paragraph or character style sets; None leaves it to the base style."""

    name: str
    font: str | None = None
    size: float | None = None
    color: str | None = None
    align: str | None = None  # w:jc value
    indent: dict | None = None  # w:ind attributes
    line: int | None = LINE_PITCH  # exact line height in twips; None: single
    before: int = 0
    after: int = 0
    base: str = "Normal"
    outline: int | None = None
    keep_next: bool = False
    kind: str = "paragraph"
    scale: int | None = None  # horizontal scale in percent (w:w)
    tracking: int | None = None  # extra space after each character, in twips
    grid: bool = True  # False: the paragraph ignores the document grid
    latin: str = LATIN  # the font of Latin letters, digits and quotation marks
    tab: tuple[str, int] | None = None  # one tab stop: kind (center, right) and position in twips


# 署名 and 成文日期 are centred on one tab stop. A date of 6.5 characters (2026年3月15日: digits are
# half-width) centred there ends 4.75 characters from the right, within a character of the
# standard's 4; a 16-character 署名 such as 中共×××工程中心总支部委员会 just fills the line.
SIGNATURE_CENTRE = TEXT_WIDTH - 8 * CHAR
NO_INDENT = {"firstLineChars": "0", "firstLine": "0"}
BODY_INDENT = {"firstLineChars": "200", "firstLine": str(2 * CHAR)}

# Built-in styles are looked up by name; the others are created with these Chinese names.
STYLES = (
    Style("Normal", FANGSONG, BODY_PT, BLACK, "both", BODY_INDENT, base="", tracking=CONDENSED),
    # Titles set digits and quotation marks in 小标宋 too: a title opening with “ stays one face.
    Style("Title", XIAOBIAOSONG, 22, BLACK, "center", NO_INDENT, grid=False, latin=XIAOBIAOSONG),
    Style("Heading 1", HEITI, BODY_PT, BLACK, indent=BODY_INDENT, outline=0, keep_next=True),
    Style("Heading 2", KAITI, BODY_PT, BLACK, indent=BODY_INDENT, outline=1, keep_next=True),
    Style("Heading 3", FANGSONG, BODY_PT, BLACK, indent=BODY_INDENT, outline=2, keep_next=True),
    # 4号 半角宋体 page numbers: the dashes and digits are 宋体 too.
    Style("Footer", SONGTI, 14, BLACK, indent=NO_INDENT, line=None, grid=False, latin=SONGTI),
    # 小初, narrowed so an 18-character mark such as ×××总支部委员会文件 fits one line. The
    # exact line as high as the type puts the characters' top at the line's top in Word and in
    # LibreOffice alike, so the space before places the mark 35 mm below the text block's top.
    Style("发文机关标志", XIAOBIAOSONG, 36, RED, "center", NO_INDENT, line=720,
          before=MARK_TOP, after=2 * LINE_PITCH, scale=65, grid=False, latin=XIAOBIAOSONG),
    # 纪要 headings name the meeting's organisation and run longer than a 发文机关标志.
    Style("纪要标志", XIAOBIAOSONG, 26, RED, "center", NO_INDENT, line=520,
          before=MARK_TOP, after=LINE_PITCH, scale=80, grid=False, latin=XIAOBIAOSONG),
    Style("发文字号", FANGSONG, BODY_PT, BLACK, "center", NO_INDENT),
    Style("主送", indent=NO_INDENT),
    # One line between the text (or 附件说明) and the 署名, which stays with its date.
    Style("署名", indent=NO_INDENT, before=LINE_PITCH, keep_next=True, tab=("center", SIGNATURE_CENTRE)),
    Style("成文日期", indent=NO_INDENT, tab=("center", SIGNATURE_CENTRE)),
    Style("附件标识", HEITI, BODY_PT, indent=NO_INDENT, keep_next=True),
    Style("题注", KAITI, BODY_PT, BLACK, "center", NO_INDENT),
    Style("章标题", HEITI, BODY_PT, BLACK, "center", NO_INDENT, before=LINE_PITCH // 2,
          after=LINE_PITCH // 2, base="Heading 1", keep_next=True),
    Style("名单", indent={"leftChars": "500", "left": str(5 * CHAR),
                        "hangingChars": "300", "hanging": str(3 * CHAR)}),
    # Table text keeps with the next row: a table that fits on a page is not split.
    Style("表格文字", size=14, align="center", indent=NO_INDENT, line=None, before=60, after=60,
          grid=False, keep_next=True),
    Style("表格居左", size=14, align="left", indent=NO_INDENT, line=None, before=60, after=60,
          grid=False, keep_next=True),
    Style("版记", FANGSONG, 14, BLACK, indent=NO_INDENT),
    # An invisible paragraph: it holds a section break, or ends a footer after its table.
    Style("分节", size=1, indent=NO_INDENT, line=20, grid=False),
    Style("标签", HEITI, kind="character", base="", line=None),
    Style("二级标签", KAITI, kind="character", base="", line=None),
)


def new_document(landscape: bool = False, numbered: bool = True) -> DocumentObject:
    """Start an empty document with the GB/T 9704 page, grid, styles and page numbers."""
    doc = Document()
    setup_page(doc.sections[0], landscape)
    for spec in STYLES:
        define_style(doc, spec)
    if numbered:
        page_numbers(doc.sections[0])
    _tune_settings(doc)
    _drop_stock_parts(doc)
    return doc


def setup_page(section, landscape: bool = False) -> None:
    """A4, GB/T 9704 margins, 22 × 28 grid; landscape swaps the sheet, not the margins."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width = Twips(A4_LONG if landscape else A4_SHORT)
    section.page_height = Twips(A4_SHORT if landscape else A4_LONG)
    for side, twips in MARGINS.items():
        setattr(section, f"{side}_margin", Twips(twips))
    section.footer_distance = Twips(FOOTER_DISTANCE)
    section.header_distance = Twips(851)
    grid = section._sectPr.find(qn("w:docGrid"))
    grid.attrib.clear()
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))


def element(tag: str, **attrs: str):
    """Make a w: element with w: attributes."""
    node = OxmlElement(tag)
    for key, value in attrs.items():
        node.set(qn(f"w:{key}"), str(value))
    return node


def set_child(parent, child):
    """Replace parent's element of the same tag with child, keeping schema order loosely."""
    old = parent.find(child.tag)
    if old is not None:
        old.addprevious(child)
        parent.remove(old)
    else:
        parent.append(child)
    return child


def font_properties(spec: Style):
    """Build the w:rPr of a style: East-Asian font slot, size, colour, never bold."""
    rpr = OxmlElement("w:rPr")
    if spec.font:
        rpr.append(element("w:rFonts", ascii=spec.latin, hAnsi=spec.latin, cs=spec.latin, eastAsia=spec.font))
    rpr.append(element("w:b", val="0"))
    rpr.append(element("w:bCs", val="0"))
    if spec.color:
        rpr.append(element("w:color", val=spec.color))
    if spec.tracking:
        rpr.append(element("w:spacing", val=spec.tracking))
    if spec.scale:
        rpr.append(element("w:w", val=spec.scale))
    if spec.size:
        half_points = str(round(spec.size * 2))
        rpr.append(element("w:sz", val=half_points))
        rpr.append(element("w:szCs", val=half_points))
    return rpr


def paragraph_properties(spec: Style):
    """Build the w:pPr of a style: keep-with-next, tab stop, spacing, indent, alignment, outline."""
    ppr = OxmlElement("w:pPr")
    if spec.keep_next:
        ppr.append(element("w:keepNext"))
    if spec.tab:
        tabs = element("w:tabs")
        tabs.append(element("w:tab", val=spec.tab[0], pos=spec.tab[1]))
        ppr.append(tabs)
    if not spec.grid:
        ppr.append(element("w:snapToGrid", val="0"))
    line = {"line": spec.line, "lineRule": "exact"} if spec.line else {"line": 240, "lineRule": "auto"}
    ppr.append(element("w:spacing", before=spec.before, after=spec.after, **line))
    if spec.indent:
        ppr.append(element("w:ind", **spec.indent))
    if spec.align:
        ppr.append(element("w:jc", val=spec.align))
    if spec.outline is not None:
        ppr.append(element("w:outlineLvl", val=spec.outline))
    return ppr


def define_style(doc: DocumentObject, spec: Style):
    """Create or rewrite a style from its spec; theme fonts and colours are dropped."""
    styles = doc.styles
    kind = WD_STYLE_TYPE.CHARACTER if spec.kind == "character" else WD_STYLE_TYPE.PARAGRAPH
    style = styles[spec.name] if spec.name in styles else styles.add_style(spec.name, kind)
    node = style.element
    for tag in ("w:pPr", "w:rPr"):
        for old in node.findall(qn(tag)):
            node.remove(old)
    if spec.base:
        style.base_style = styles[spec.base]
    style.quick_style = True
    if spec.kind == "paragraph":
        node.append(paragraph_properties(spec))
    node.append(font_properties(spec))
    if spec.name == "Normal":
        _set_defaults(doc, spec)
    return style


def _set_defaults(doc: DocumentObject, spec: Style) -> None:
    """Make docDefaults match Normal, with Chinese as the East-Asian language."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = font_properties(Style("defaults", spec.font, spec.size))
    rpr.append(element("w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    set_child(rpr_default, rpr)
    ppr_default = defaults.find(qn("w:pPrDefault"))
    ppr = OxmlElement("w:pPr")
    ppr.append(element("w:spacing", before=0, after=0, line=LINE_PITCH, lineRule="exact"))
    set_child(ppr_default, ppr)


def _tune_settings(doc: DocumentObject) -> None:
    """Odd/even footers, Word 2013+ layout, Chinese theme language."""
    settings = doc.settings
    settings.odd_and_even_pages_header_footer = True
    root = settings.element
    mode = root.find(f"{qn('w:compat')}/{qn('w:compatSetting')}[@{qn('w:name')}='compatibilityMode']")
    mode.set(qn("w:val"), "15")
    root.find(qn("w:themeFontLang")).set(qn("w:eastAsia"), "zh-CN")


def _drop_stock_parts(doc: DocumentObject) -> None:
    """Remove the STOCK_PARTS (the thumbnail would show a foreign page in file browsers)."""
    for rels in (doc.part.package.rels, doc.part.rels):
        for key in [k for k, rel in rels.items() if rel.reltype in STOCK_PARTS]:
            del rels[key]


def _prune_styles(doc: DocumentObject) -> None:
    """Drop the stock styles nothing needs; keep defaults, STYLES, styles in use and their bases."""
    root = doc.styles.element
    by_id = {style.get(qn("w:styleId")): style for style in root.findall(qn("w:style"))}
    keep = {doc.styles[spec.name].style_id for spec in STYLES}
    keep |= {key for key, style in by_id.items() if style.get(qn("w:default")) == "1"}
    for part in doc.part.package.iter_parts():
        if isinstance(part, XmlPart):
            for tag in ("w:pStyle", "w:rStyle", "w:tblStyle"):
                keep |= {ref.get(qn("w:val")) for ref in part.element.iter(qn(tag))}
    pending = list(keep)
    while pending:
        for ref in by_id[pending.pop()].iterchildren(qn("w:basedOn"), qn("w:next")):
            if (base := ref.get(qn("w:val"))) not in keep:
                keep.add(base)
                pending.append(base)
    for key, style in by_id.items():
        if key not in keep:
            root.remove(style)
    for link in [link for link in root.iter(qn("w:link")) if link.get(qn("w:val")) not in keep]:
        link.getparent().remove(link)


def paragraph(doc, text: str = "", style: str = "Normal") -> Paragraph:
    """Append a paragraph holding text as one run (so a Jinja tag stays whole)."""
    para = doc.add_paragraph(style=style)
    if text:
        para.add_run(text)
    return para


def labelled(doc, label: str, text: str, style: str = "Normal", label_style: str = "标签") -> Paragraph:
    """Append a paragraph that starts with a label (黑体 出席：, 第一条; 楷体 （一）) then plain text."""
    para = doc.add_paragraph(style=style)
    para.add_run(label, style=label_style)
    para.add_run(text)
    return para


def blank(doc, lines: int = 1) -> None:
    """Append empty body lines (the standard's 空行)."""
    for _ in range(lines):
        paragraph(doc)


def tagged(doc, tag: str) -> None:
    """Append a paragraph holding only a docxtpl paragraph tag such as {%p for x in xs %}."""
    paragraph(doc, tag, "主送")


def block(doc, tag: str, *paragraphs: tuple[str, str], end: str = "{%p endfor %}") -> None:
    """Paragraphs repeated (or shown) by a docxtpl paragraph tag: (style, text) pairs."""
    tagged(doc, tag)
    for style, text in paragraphs:
        paragraph(doc, text, style)
    tagged(doc, end)


def rule(para: Paragraph, side: str, color: str = BLACK, eighths: int = 8, space: int = 1):
    """Draw a full-width rule on one side of a paragraph (w:pBdr)."""
    ppr = para._p.get_or_add_pPr()
    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = element("w:pBdr")
        ppr.insert_element_before(borders, "w:shd", "w:tabs", "w:suppressAutoHyphens",
                                  "w:spacing", "w:ind", "w:jc", "w:outlineLvl", "w:rPr")
    borders.append(element(f"w:{side}", val="single", sz=eighths, space=space, color=color))


def tab_stop(para: Paragraph, kind: str, position: int, leader: str = "none") -> None:
    """Add a tab stop (left, center, right) at a position in twips from the left margin."""
    ppr = para._p.get_or_add_pPr()
    tabs = ppr.find(qn("w:tabs"))
    if tabs is None:
        tabs = element("w:tabs")
        ppr.insert_element_before(tabs, "w:spacing", "w:ind", "w:jc", "w:outlineLvl", "w:rPr")
    tabs.append(element("w:tab", val=kind, leader=leader, pos=position))


def red_header(doc, org: str, number: str) -> None:
    """发文机关标志 in red, two blank lines, 发文字号 with the red rule 4 mm under it."""
    paragraph(doc, org, "发文机关标志")
    rule(paragraph(doc, number, "发文字号"), "bottom", RED, space=RED_RULE_SPACE)


def dated_rule(doc, org: str, date: str) -> None:
    """纪要 line under the heading: issuing unit and date a character in, red rule beneath.

    Tab stops, not indents, inset the text: a paragraph's rule spans its indents, and this one
    spans the text block.
    """
    para = doc.add_paragraph(style="主送")
    tab_stop(para, "left", CHAR)
    tab_stop(para, "right", TEXT_WIDTH - CHAR)
    para.add_run(f"\t{org}\t{date}")
    rule(para, "bottom", RED, space=RED_RULE_SPACE)


def heading(doc, text: str, addressee: str | None = None) -> None:
    """Title two lines under the red rule, a blank line, then the 主送 (if any)."""
    blank(doc, 2)
    paragraph(doc, text, "Title")
    blank(doc)
    if addressee:
        paragraph(doc, addressee, "主送")


def signature(doc, org: str, date: str) -> None:
    """Sealed layout: 署名 and 成文日期 centred on their styles' shared tab stop."""
    paragraph(doc, f"\t{org}", "署名")
    paragraph(doc, f"\t{date}", "成文日期")


def attachment_page(doc, label: str, title: str) -> Paragraph:
    """New page: 附件 label flush left on line 1, title centred on line 3; gives the label."""
    para = paragraph(doc, label, "附件标识")
    para.paragraph_format.page_break_before = True
    blank(doc)
    paragraph(doc, title, "Title")
    return para


def colophon(doc, lines: list[str], org: str, date: str) -> None:
    """版记 on the last even page, its last rule on the text block's foot; no page number there.

    The 版记 is the even-page footer of a last section that starts on an even page: when the
    text ends on an even page, a blank (odd) page comes first, and this section's odd footer is
    empty. A footer 35 mm from the sheet's foot ends where the text block ends, so the 版记's last
    rule sits at 262 mm. (A section set to align its text at the bottom, w:vAlign, is ignored by
    LibreOffice 7.4; a bottom-anchored floating table as wide as the text block stays inline
    there. docs/templates.md has the whole comparison.)
    """
    section_break(doc)
    section = doc.sections[-1]
    section.footer_distance = Twips(MARGINS["bottom"])
    for footer in (section.footer, section.even_page_footer):
        footer.is_linked_to_previous = True  # drops the page-number footers the section inherited
        footer.is_linked_to_previous = False  # and gives it footers of its own
        footer.paragraphs[0].style = "分节"
    paragraph(doc, "", "分节")
    rows = [[text] for text in lines] + [[f"{org}\t{date}"]]
    table = add_table(doc, [TEXT_WIDTH], rows, "版记", grid=False)
    set_borders(table, top=8, bottom=8, insideH=6)
    cell_margins(table, CHAR)
    tab_stop(table.rows[-1].cells[0].paragraphs[0], "right", TEXT_WIDTH - 2 * CHAR)
    section.even_page_footer.paragraphs[0]._p.addprevious(table._tbl)


def section_break(doc) -> None:
    """End the section with an invisible paragraph; the next one starts on an even page."""
    doc.add_section(WD_SECTION.EVEN_PAGE)
    doc.paragraphs[-1].style = "分节"


def add_table(doc, widths: list[int], rows: list[list[str]], style: str | list[str] = "表格文字",
              grid: bool = True) -> Table:
    """Append a centred table; each cell text becomes one run, short rows are padded.

    style is one paragraph style for every cell or one per column.
    """
    table = doc.add_table(rows=len(rows), cols=len(widths))
    if grid:
        table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths):
        column.w = Twips(width)
    styles = [style] * len(widths) if isinstance(style, str) else style
    for row, texts in zip(table.rows, rows):
        for cell, width, cell_style, text in zip(row.cells, widths, styles, [*texts, *[""] * len(widths)]):
            cell.width = Twips(width)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            para = cell.paragraphs[0]
            para.style = cell_style
            if text:
                para.add_run(text)
    return table


def loop_table(doc, widths: list[int], header: list[str], loop: str, cells: list[str],
               style: str | list[str] = "表格文字") -> Table:
    """A table with a header row repeated on each page and one row per item of a {%tr for %} loop."""
    rows = [header, [f"{{%tr for {loop} %}}"], cells, ["{%tr endfor %}"]]
    table = add_table(doc, widths, rows, style)
    repeat_header(table)
    return table


def repeat_header(table: Table) -> None:
    """Repeat the table's first row at the top of every page it runs onto."""
    table.rows[0]._tr.get_or_add_trPr().append(element("w:tblHeader"))


def cell_margins(table: Table, width: int) -> None:
    """Set the left and right margins inside every cell of the table, in twips."""
    margins = element("w:tblCellMar")
    for side in ("left", "right"):
        margins.append(element(f"w:{side}", w=width, type="dxa"))
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")


def set_borders(table: Table, **sides: int) -> None:
    """Give a table only the named borders (sizes in eighths of a point), black, single."""
    borders = element("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        size = sides.get(side)
        attrs = {"val": "single", "sz": size, "space": 0, "color": BLACK} if size else {"val": "nil"}
        borders.append(element(f"w:{side}", **attrs))
    tbl_pr = table._tbl.tblPr
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")


def page_numbers(section) -> None:
    """"— 1 —" footers: odd pages right, even pages left, one character in."""
    _number_footer(section.footer, "right", {"rightChars": "100", "right": FOOTER_CHAR})
    _number_footer(section.even_page_footer, "left", {"leftChars": "100", "left": FOOTER_CHAR})


def _number_footer(footer, align: str, indent: dict) -> None:
    """Fill one footer with a PAGE field between em dashes."""
    footer.is_linked_to_previous = False
    para = footer.paragraphs[0]
    para.style = "Footer"
    ppr = para._p.get_or_add_pPr()
    ppr.append(element("w:ind", **indent))
    ppr.append(element("w:jc", val=align))
    para.add_run("— ")
    field(para, "PAGE", "1")
    para.add_run(" —")


def bookmark(para: Paragraph, name: str, number: int) -> None:
    """Mark the paragraph's text with a bookmark (the target of a PAGEREF field)."""
    runs = para._p.r_lst
    runs[0].addprevious(element("w:bookmarkStart", id=number, name=name))
    runs[-1].addnext(element("w:bookmarkEnd", id=number))


def field(para: Paragraph, instruction: str, cached: str) -> None:
    """Append a complex field (begin, instruction, separate, cached result, end)."""
    para.add_run()._r.append(element("w:fldChar", fldCharType="begin"))
    instr = para.add_run()._r
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    instr.append(text)
    para.add_run()._r.append(element("w:fldChar", fldCharType="separate"))
    para.add_run(cached)
    para.add_run()._r.append(element("w:fldChar", fldCharType="end"))


def _name_application(doc: DocumentObject) -> None:
    """docProps/app.xml names docgen as the application, not the Word that made python-docx's template."""
    part = next(part for part in doc.part.package.iter_parts() if part.partname == "/docProps/app.xml")
    root = etree.fromstring(part.blob)
    namespace = etree.QName(root).namespace
    root.find(f"{{{namespace}}}Application").text = "docgen"
    root.remove(root.find(f"{{{namespace}}}AppVersion"))
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def save(doc: DocumentObject, path: Path, title: str, author: str) -> None:
    """Drop unused styles, write the .docx byte for byte the same on every run (fixed times).

    title and author are the document properties (Jinja tags the service fills); the application
    is docgen.
    """
    _prune_styles(doc)
    _name_application(doc)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, author, "docgen"
    props.comments, props.revision = "", 1
    props.created = props.modified = FIXED_TIME
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, source.read(item.filename))
