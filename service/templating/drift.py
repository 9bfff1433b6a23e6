"""GB/T 9704 drift of a template: page, margins, body font and size, 28 × 22 grid, the red 发文机关标志 35 mm
below the text block, the red rule under the 发文字号, and the 版记 at the foot of the last even page.

A rule is checked only where the kind's shipped template follows it (the certificate is landscape, the
manual has no red mark or 版记), and drift is a warning, never an error. Each warning names the part
and the place: the paragraph, the style, the section or the footer.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterator

import docx
from docx.document import Document
from docx.oxml.ns import qn

from ..engine.layout import signed
from ..scaffold import gbt9704 as gbt

MM = 1440 / 25.4  # twips per millimetre
PT = 20  # twips per point
RED_RULE_UNDER = 4  # mm between the 发文字号's characters and the red rule
INK_ABOVE_FOOT = 1.8  # mm between a body line's characters and the foot of its exact 28.95 pt line
COLOPHON = "版记"
Warning = dict[str, str]


def _warning(path: str, message: str) -> Warning:
    """A warning as the API shows it: where, and what."""
    return {"path": path, "message": message}


def _mm(twips: float) -> str:
    """Twips as whole millimetres."""
    return f"{twips / MM:.0f}"


def _style_chain(document: Document, style_id: str | None, family: str = "paragraph") -> Iterator:
    """A style element and the styles it is based on; the family's default style when none is named."""
    styles = document.styles.element
    style = styles.get_by_id(style_id) if style_id else None
    if style is None and family == "paragraph":
        style = next((s for s in styles.findall(qn("w:style"))
                      if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) in ("1", "true")), None)
    while style is not None:
        yield style
        base = style.find(qn("w:basedOn"))
        style = styles.get_by_id(base.get(qn("w:val"))) if base is not None else None


def _paragraph_value(document: Document, paragraph, path: str, attribute: str, run: bool = False) -> str | None:
    """A property of a paragraph (pPr) or of its first run (rPr) as Word resolves it: set directly, by the
    paragraph's style and the styles it is based on, or by the document defaults."""
    container = "w:rPr" if run else "w:pPr"
    ppr = paragraph.find(qn("w:pPr"))
    sources = []
    if run:
        first = paragraph.find(qn("w:r"))
        sources.append(first.find(qn("w:rPr")) if first is not None else None)
    else:
        sources.append(ppr)
    style = ppr.find(qn("w:pStyle")) if ppr is not None else None
    for element in _style_chain(document, style.get(qn("w:val")) if style is not None else None):
        sources.append(element.find(qn(container)))
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        sources.append(defaults.find(f"{qn(container + 'Default')}/{qn(container)}"))
    steps = "/".join(qn(step) for step in path.split("/"))
    for source in sources:
        node = source.find(steps) if source is not None else None
        if node is not None and node.get(qn(f"w:{attribute}")) is not None:
            return node.get(qn(f"w:{attribute}"))
    return None


def _style_value(document: Document, name: str, path: str, attribute: str) -> str | None:
    """A run property of a named paragraph style, through the styles it is based on and the defaults."""
    probe = docx.oxml.parse_xml(
        f'<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f'<w:pPr><w:pStyle w:val="{document.styles[name].style_id}"/></w:pPr></w:p>')
    return _paragraph_value(document, probe, path, attribute, run=True)


def _text_width(document: Document) -> int:
    """The text block's width in twips: the page less its side margins."""
    section = document.sections[0]
    return section.page_width.twips - section.left_margin.twips - section.right_margin.twips


def _text(element) -> str:
    """The text an element holds."""
    return "".join(node.text or "" for node in element.iter(qn("w:t"))).strip()


def _quoted(paragraph) -> str:
    """A paragraph's text (its start) in quotation marks, to say which one."""
    text = _text(paragraph)
    return f"“{text[:30]}”" if text else "（空段落）"


def page(document: Document) -> list[Warning]:
    """A4 portrait."""
    section = document.sections[0]
    size = (section.page_width.twips, section.page_height.twips) if section.page_width else None
    if size == (gbt.A4_SHORT, gbt.A4_LONG):
        return []
    shown = "×".join(_mm(twips) for twips in size) if size else "未设置"
    return [_warning("GB/T 9704", f"纸张不是 A4 纵向（210 mm × 297 mm），现为 {shown} mm。")]


def margins(document: Document) -> list[Warning]:
    """Margins of 37, 35, 28 and 26 mm."""
    section = document.sections[0]
    sides = ("top", "bottom", "left", "right")
    found = tuple(getattr(section, f"{side}_margin").twips for side in sides)
    if found == tuple(gbt.MARGINS[side] for side in sides):
        return []
    return [_warning("GB/T 9704", "页边距不是上 37、下 35、左 28、右 26 mm，现为上 {}、下 {}、左 {}、右 {} mm。"
                     .format(*(_mm(twips) for twips in found)))]


def body_font(document: Document) -> list[Warning]:
    """The Normal style's East-Asian font is 仿宋_GB2312."""
    font = _style_value(document, "Normal", "w:rFonts", "eastAsia")
    if font == gbt.FANGSONG:
        return []
    return [_warning("GB/T 9704", f"正文（“正文”样式）字体不是仿宋_GB2312，现为 {font or '未设置'}。")]


def body_size(document: Document) -> list[Warning]:
    """The Normal style is 3号 (16 pt)."""
    size = _style_value(document, "Normal", "w:sz", "val")
    if size is not None and int(size) == gbt.BODY_PT * 2:
        return []
    shown = f"{int(size) / 2:g}" if size is not None else "未设置"
    return [_warning("GB/T 9704", f"正文字号不是三号（16 磅），现为 {shown} 磅。")]


def line_grid(document: Document) -> list[Warning]:
    """22 lines a page: the grid's line pitch is 28.95 pt."""
    grid = document.sections[0]._sectPr.find(qn("w:docGrid"))
    pitch = grid.get(qn("w:linePitch")) if grid is not None else None
    if pitch is not None and int(pitch) == gbt.LINE_PITCH:
        return []
    shown = f"{int(pitch) / PT:g}" if pitch is not None else "未设置"
    return [_warning("GB/T 9704", f"文档网格不是每页 22 行（行距 28.95 磅），现为行距 {shown} 磅。")]


def characters_per_line(document: Document) -> list[Warning]:
    """28 characters on a full body line: in Word by the grid's charSpace, in the PDF by the condensed Normal."""
    size = int(_style_value(document, "Normal", "w:sz", "val") or 20) * PT / 2
    tracking = signed(_style_value(document, "Normal", "w:spacing", "val"))
    width = _text_width(document)
    warnings = []
    for number, section in enumerate(document.sections, 1):
        grid = section._sectPr.find(qn("w:docGrid"))
        kind = grid.get(qn("w:type")) if grid is not None else None
        space = signed(grid.get(qn("w:charSpace"))) if grid is not None else 0
        # Word gives each character one grid cell (font size + charSpace/4096 pt) when the grid has characters.
        cell = size + space * PT / 4096 if kind in ("linesAndChars", "snapToChars") else size + tracking
        word = math.floor(width / cell + 1e-6)
        if word != gbt.CHARS_PER_LINE:
            warnings.append(_warning(f"word/document.xml 第{number}节", (
                f"文档网格每行 {word} 字，不是 28 字（网格类型 {kind or '未设置'}，字符跨度 {space}）：Word 中正文"
                "每行应为 28 字，请在“页面设置 — 文档网格”中选“指定行和字符网格”，每行 28 字、每页 22 行。")))
    # LibreOffice ignores charSpace: the characters' own width, narrowed by the Normal style's spacing, counts.
    pdf = math.floor(width / (size + tracking) + 1e-6)
    if pdf != gbt.CHARS_PER_LINE:
        warnings.append(_warning("word/styles.xml 样式“正文”", (
            f"正文字符间距 {tracking / PT:g} 磅，PDF（LibreOffice）中每行 {pdf} 字，不是 28 字："
            "“正文”样式的字符间距应紧缩 0.25 磅。")))
    return warnings


def _mark(document: Document):
    """The 发文机关标志: the body's first paragraph."""
    body = document.element.body
    return body.find(qn("w:p"))


def _mark_name(document: Document, mark) -> str:
    """What the mark is called: 纪要标志 when its style says so, else 发文机关标志."""
    style = mark.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    names = {style.style_id: style.name for style in document.styles}
    return "纪要标志" if style is not None and names.get(style.get(qn("w:val"))) == "纪要标志" else "发文机关标志"


def mark_colour(document: Document) -> list[Warning]:
    """The 发文机关标志 is red."""
    mark = _mark(document)
    colour = _paragraph_value(document, mark, "w:color", "val", run=True) if mark is not None else None
    if colour is not None and colour.upper() == gbt.RED:
        return []
    return [_warning("GB/T 9704", f"发文机关标志（第一段）不是红色，现为 {colour or '未设置'}。")]


def mark_position(document: Document) -> list[Warning]:
    """The mark's top 35 mm below the text block: that much space before, an exact line as high as its type."""
    mark = _mark(document)
    if mark is None:
        return [_warning("word/document.xml 第1段", "没有发文机关标志：正文第一段应为红色的发文机关标志。")]
    lines = signed(_paragraph_value(document, mark, "w:spacing", "beforeLines"))
    before = lines * gbt.LINE_PITCH / 100 if lines else signed(_paragraph_value(document, mark, "w:spacing", "before"))
    rule = _paragraph_value(document, mark, "w:spacing", "lineRule") or "auto"
    line = signed(_paragraph_value(document, mark, "w:spacing", "line"))
    size = int(_paragraph_value(document, mark, "w:sz", "val", run=True) or 20) * PT / 2
    exact = rule == "exact" and abs(line - size) <= PT
    if exact and abs(before - gbt.MARK_TOP) <= MM:
        return []
    spacing = f"固定值 {line / PT:g} 磅" if rule == "exact" else "非固定值"
    return [_warning("word/document.xml 第1段", (
        f"{_mark_name(document, mark)}{_quoted(mark)}不在版心下 35 mm 处：段前 {before / MM:.1f} mm，行距{spacing}；"
        f"应为段前 35 mm、行距固定值 {size / PT:g} 磅（与字号相同），标志上沿才在版心下 35 mm。"))]


def red_rule(document: Document) -> list[Warning]:
    """The red rule 4 mm under the 发文字号 and as wide as the text block: the first paragraph's bottom border."""
    paragraphs = document.element.body.findall(qn("w:p"))
    for number, paragraph in enumerate(paragraphs, 1):
        style = _paragraph_value(document, paragraph, "w:pBdr/w:bottom", "val")
        if style in (None, "nil", "none"):
            continue
        place = f"word/document.xml 第{number}段"
        where = f"发文字号下的红色分隔线（段落{_quoted(paragraph)}的下边框）"
        warnings = []
        colour = _paragraph_value(document, paragraph, "w:pBdr/w:bottom", "color") or "auto"
        if colour.upper() != gbt.RED:
            warnings.append(_warning(place, f"{where}不是红色，现为 {colour}。"))
        space = signed(_paragraph_value(document, paragraph, "w:pBdr/w:bottom", "space"))
        line = signed(_paragraph_value(document, paragraph, "w:spacing", "line"))
        exact = _paragraph_value(document, paragraph, "w:spacing", "lineRule") == "exact"
        # The characters end 1.8 mm above the foot of an exact 28.95 pt line; the border is `space` points lower.
        under = INK_ABOVE_FOOT + (line - gbt.LINE_PITCH) / MM + space * 25.4 / 72 if exact else None
        if under is None or abs(under - RED_RULE_UNDER) > 1:
            shown = f"约 {under:.1f} mm" if under is not None else f"行距非固定值，边框间距 {space} 磅"
            warnings.append(_warning(place, (
                f"{where}不在文字下 4 mm 处：现为{shown}；应为行距固定值 28.95 磅、下边框距文字 6 磅。")))
        indents = sum(signed(_paragraph_value(document, paragraph, "w:ind", side)) for side in ("left", "right"))
        indents += sum(signed(_paragraph_value(document, paragraph, "w:ind", f"{side}Chars")) * gbt.CHAR // 100
                       for side in ("left", "right"))
        width = _text_width(document) - indents
        if abs(width - gbt.TEXT_WIDTH) > MM:
            warnings.append(_warning(place, (
                f"{where}长 {_mm(width)} mm，不是版心宽 156 mm：段落的左右缩进应为 0"
                "（文字向内缩进请用制表位，不要用缩进）。")))
        return warnings
    return [_warning("word/document.xml", "发文字号下没有红色分隔线（段落下边框）。")]


def _footer(document: Document, section, kind: str):
    """The footer part a section names for its odd ("default") or even pages, or None."""
    reference = section._sectPr.find(f"{qn('w:footerReference')}[@{qn('w:type')}='{kind}']")
    return document.part.related_parts.get(reference.get(qn("r:id"))) if reference is not None else None


def _colophon_in(document: Document, element) -> bool:
    """Whether an element holds paragraphs of the 版记 style."""
    names = {style.style_id: style.name for style in document.styles}
    return any(names.get(style.get(qn("w:val"))) == COLOPHON for style in element.iter(qn("w:pStyle")))


def colophon(document: Document) -> list[Warning]:
    """The 版记 as the even-page footer of a last section that starts on an even page, 35 mm from the foot."""
    last = document.sections[-1]
    even, odd = _footer(document, last, "even"), _footer(document, last, "default")
    footers = [part for part in document.part.related_parts.values() if part.partname.endswith(".xml")
               and "footer" in part.partname]
    if _colophon_in(document, document.element.body):
        return [_warning("word/document.xml", (
            "版记（样式“版记”）在正文中：它会紧跟正文，不在最后一个偶数页的版心下边缘。"
            "请把版记放回最后一节的偶数页页脚。"))]
    if even is None or not _colophon_in(document, even.element):
        found = next((part.partname.lstrip("/") for part in footers if _colophon_in(document, part.element)), None)
        where = f"在 {found} 中，" if found else "没有找到（样式“版记”的段落），"
        return [_warning("word/document.xml 最后一节", (
            f"版记{where}不是最后一节的偶数页页脚：版记应在最后一个偶数页、末条线在版心下边缘。"))]
    place = f"{even.partname.lstrip('/')}（最后一节的偶数页页脚）"
    warnings = []
    start = last._sectPr.find(qn("w:type"))
    if start is None or start.get(qn("w:val")) != "evenPage":
        warnings.append(_warning(place, "版记所在的最后一节不是从偶数页开始（分节符应为“偶数页”），版记可能落在奇数页。"))
    distance = last.footer_distance.twips if last.footer_distance is not None else 0
    if abs(distance - gbt.MARGINS["bottom"]) > MM:
        warnings.append(_warning(place, (
            f"版记所在页脚距页面下边 {_mm(distance)} mm，不是 35 mm：版记末条线应在版心下边缘。")))
    if not document.settings.odd_and_even_pages_header_footer:
        warnings.append(_warning("word/settings.xml", "没有设置“奇偶页不同”：版记页脚会出现在每一页。"))
    if odd is not None and _text(odd.element):
        warnings.append(_warning(f"{odd.partname.lstrip('/')}（最后一节的奇数页页脚）",
                                 "最后一节的奇数页页脚不是空的：版记前插入的空白页不应有页码。"))
    return warnings


CHECKS: tuple[Callable[[Document], list[Warning]], ...] = (
    page, margins, body_font, body_size, line_grid, characters_per_line, mark_colour, mark_position, red_rule,
    colophon)


def _checked(check: Callable[[Document], list[Warning]], document: Document) -> list[Warning] | None:
    """A rule's warnings for a document; None when the document sets it in a form the check cannot read
    (a value that is no number, a reference to a missing part): then the rule is not judged."""
    try:
        return check(document)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def drift(shipped: bytes, uploaded: bytes) -> list[Warning]:
    """Warnings for each GB/T 9704 rule the shipped template follows and the uploaded one does not."""
    before, after = docx.Document(io.BytesIO(shipped)), docx.Document(io.BytesIO(uploaded))
    return [warning for check in CHECKS if _checked(check, before) == [] for warning in _checked(check, after) or []]
