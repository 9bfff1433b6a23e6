"""A fast estimate of where a filled document's body ends (page, height used), read from its own page and styles.

No layout engine runs: every paragraph is broken into lines the way Word on its document grid and LibreOffice
(the PDF converter) both break the GB/T 9704 body, and the lines are stacked on pages of the section's text
block. The rules come from the document itself (its section's page size, margins and grid, its styles and
defaults), so that an organisation's own variant of a template is measured by its own settings:

- an East-Asian character takes its size, scaled (w:w) and tracked (w:spacing), and on a character grid
  (w:docGrid linesAndChars) at least one grid cell; other characters half their size (a space a quarter);
- a line breaks before the character that does not fit; a closing mark (，。）…) never starts a line (it
  takes the character before it along), an opening one (（《“) never ends one, and Latin words stay whole;
- line heights: exact, at least, or the font's (1.3 × its size) times the spacing; space before and after,
  in points or in grid lines; paragraph borders add their spacing and width;
- w:br line and page breaks, tabs to the next stop, page breaks before paragraphs, keep-with-next, section
  breaks; table rows are kept whole; inline pictures take their height.

What it cannot know (the fonts' own metrics, kerning, justification details) makes it an estimate: callers
keep a safety margin around page boundaries (docs/templates.md gives the measured error).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def w(tag: str) -> str:
    """The Clark name of a w: element or attribute."""
    return f"{{{W}}}{tag}"


PT = 20  # twips per point
EMU = 635  # EMUs per twip
NATURAL = 1.3  # a single line's height over the font size, when the style sets none
TOLERANCE = 2  # twips: a line that overruns the text block by less still fits
# Marks that never start a line (the character before them moves down with them) or never end one.
NO_START = frozenset("，。、；：？！）》」』】〕〉”’…—·%,.;:?!)]}")
NO_END = frozenset("（《「『【〔〈“‘([{")
WORD_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
PARAGRAPH_PROPERTIES = {
    "spacing": ("before", "beforeLines", "after", "afterLines", "line", "lineRule"),
    "ind": ("left", "leftChars", "start", "startChars", "right", "rightChars", "end", "endChars",
            "firstLine", "firstLineChars", "hanging", "hangingChars"),
}
TOGGLES = ("keepNext", "pageBreakBefore", "snapToGrid")
RUN_PROPERTIES = {"sz": "val", "spacing": "val", "w": "val"}


def _signed(value: str | None) -> int:
    """An integer attribute as Word means it (LibreOffice writes negative numbers as unsigned 32-bit ones)."""
    number = int(float(value or 0))
    return number - (1 << 32) if number >= 1 << 31 else number


def _toggle(element) -> bool:
    """An on/off property: on unless its w:val says 0, false or off."""
    return element.get(w("val"), "1") not in ("0", "false", "off")


def _paragraph_properties(ppr, into: dict) -> None:
    """Merge the layout-relevant properties of a w:pPr into `into`, attribute by attribute."""
    if ppr is None:
        return
    for child in ppr:
        name = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if name in PARAGRAPH_PROPERTIES:
            for attribute in PARAGRAPH_PROPERTIES[name]:
                value = child.get(w(attribute))
                if value is not None:
                    into[f"{name}.{attribute}"] = value
        elif name in TOGGLES:
            into[name] = _toggle(child)
        elif name == "pBdr":
            for side in ("top", "bottom"):
                border = child.find(w(side))
                if border is not None:
                    visible = border.get(w("val")) not in (None, "nil", "none")
                    into[f"border.{side}"] = (_signed(border.get(w("space"))) * PT + _signed(border.get(w("sz"))) * PT
                                              // 8) if visible else 0
        elif name == "framePr":
            into["frame"] = True
        elif name == "tabs":
            into["tabs"] = tuple(sorted((_signed(tab.get(w("pos"))), tab.get(w("val"))) for tab in child.iter(w("tab"))
                                        if tab.get(w("val")) not in ("clear", "bar")))


def _run_properties(rpr, into: dict) -> None:
    """Merge the size, tracking and scale of a w:rPr into `into`."""
    if rpr is None:
        return
    for name, attribute in RUN_PROPERTIES.items():
        found = rpr.find(w(name))
        if found is not None and found.get(w(attribute)) is not None:
            into[name] = _signed(found.get(w(attribute)))
    vanish = rpr.find(w("vanish"))
    if vanish is not None:
        into["vanish"] = _toggle(vanish)


@dataclass(frozen=True)
class Section:
    """A section's text block and grid, in twips; a character-grid cell in points (0: no character grid)."""

    width: int
    height: int
    pitch: int  # the grid's line pitch (a line of "beforeLines")
    cell: float
    start: str  # how the section starts: nextPage, evenPage, oddPage, continuous

    @classmethod
    def of(cls, sectpr, body_size: int) -> Section:
        """Read w:pgSz, w:pgMar, w:docGrid and w:type (Word's defaults where one is missing); a character
        grid's cell is the body size (`body_size`, half points) plus w:charSpace / 4096 points."""
        size, margins = sectpr.find(w("pgSz")), sectpr.find(w("pgMar"))
        grid, kind = sectpr.find(w("docGrid")), sectpr.find(w("type"))

        def value(element, attribute: str, default: int) -> int:
            """An attribute in twips, or the default."""
            found = element.get(w(attribute)) if element is not None else None
            return _signed(found) if found is not None else default

        chars = grid is not None and grid.get(w("type")) in ("linesAndChars", "snapToChars")
        return cls(value(size, "w", 12240) - value(margins, "left", 1800) - value(margins, "right", 1800),
                   value(size, "h", 15840) - abs(value(margins, "top", 1440)) - abs(value(margins, "bottom", 1440)),
                   value(grid, "linePitch", 360),
                   body_size / 2 + value(grid, "charSpace", 0) / 4096 if chars else 0.0,
                   kind.get(w("val"), "nextPage") if kind is not None else "nextPage")


class Styles:
    """A document's paragraph and character styles, resolved through w:basedOn onto the document defaults."""

    def __init__(self, styles_xml: bytes | None, default_tab: int = 720):
        self.default_tab = default_tab
        root = etree.fromstring(styles_xml) if styles_xml else None
        self._styles = {s.get(w("styleId")): s for s in root.iter(w("style"))} if root is not None else {}
        self._paragraph_defaults: dict = {}
        self._run_defaults: dict = {"sz": 20}
        defaults = root.find(w("docDefaults")) if root is not None else None
        if defaults is not None:
            _paragraph_properties(defaults.find(f"{w('pPrDefault')}/{w('pPr')}"), self._paragraph_defaults)
            _run_properties(defaults.find(f"{w('rPrDefault')}/{w('rPr')}"), self._run_defaults)
        self.default_paragraph = next((key for key, s in self._styles.items() if s.get(w("type")) == "paragraph"
                                       and s.get(w("default")) in ("1", "true")), None)
        self._resolve = lru_cache(maxsize=None)(self._resolved)
        self.body_size = self.paragraph(None)[1].get("sz", 20)

    def _chain(self, style_id: str | None) -> list:
        """The style and the styles it is based on, the base first."""
        chain, seen = [], set()
        style = self._styles.get(style_id)
        while style is not None and style_id not in seen:
            seen.add(style_id)
            chain.append(style)
            base = style.find(w("basedOn"))
            style_id = base.get(w("val")) if base is not None else None
            style = self._styles.get(style_id)
        return chain[::-1]

    def _resolved(self, paragraph_style: str | None, run_style: str | None) -> tuple[dict, dict]:
        """(paragraph properties, run properties) of a paragraph style with a character style on the run."""
        paragraph, run = dict(self._paragraph_defaults), dict(self._run_defaults)
        for style in self._chain(paragraph_style or self.default_paragraph):
            _paragraph_properties(style.find(w("pPr")), paragraph)
            _run_properties(style.find(w("rPr")), run)
        for style in self._chain(run_style):
            _run_properties(style.find(w("rPr")), run)
        return paragraph, run

    def paragraph(self, style_id: str | None) -> tuple[dict, dict]:
        """The resolved properties of a paragraph style (cached)."""
        return self._resolve(style_id, None)

    def run(self, paragraph_style: str | None, run_style: str | None) -> dict:
        """The resolved run properties of a character style on a paragraph style (cached)."""
        return self._resolve(paragraph_style, run_style)[1]


@dataclass
class Block:
    """A paragraph or a table row laid out in a column: its lines' heights and what it asks of the page."""

    lines: list[int]
    before: int = 0
    after: int = 0
    keep_next: bool = False
    break_before: bool = False
    whole: bool = False  # a table row: never split

    @property
    def height(self) -> int:
        """Its whole height."""
        return self.before + sum(self.lines) + self.after


@dataclass(frozen=True)
class End:
    """Where the body ends: on which page, how far down the text block, and how much room is left there."""

    page: int
    used: int  # twips from the top of the text block
    height: int  # the text block's height in twips

    @property
    def room(self) -> int:
        """Twips left under the body on its last page."""
        return self.height - self.used


@dataclass(frozen=True)
class Engine:
    """How a layout engine treats what the document leaves unsaid: how many lines of a paragraph it keeps
    together at a page break when the document sets no widow control, and whether a closing mark may hang
    in the margin at a line's end."""

    widows: int
    hanging: bool


# Word applies no widow control unless asked and hangs punctuation (w:overflowPunct is on by default);
# LibreOffice keeps two lines together, and the converter lets no punctuation hang (service/pdf/unobridge.py).
WORD = Engine(widows=0, hanging=True)
LIBREOFFICE = Engine(widows=2, hanging=False)


class Estimator:
    """Lays out body elements of one document (given its styles) as pages of lines, as `engine` would."""

    def __init__(self, styles: Styles, engine: Engine = LIBREOFFICE):
        self.styles = styles
        self.engine = engine

    def blocks(self, elements, section: Section, width: int | None = None) -> list[Block]:
        """The blocks of body elements (paragraphs and tables) in a column `width` twips wide."""
        width = section.width if width is None else width
        blocks: list[Block] = []
        for element in elements:
            if element.tag == w("p"):
                block = self.paragraph(element, section, width)
                if block is not None:
                    blocks.append(block)
            elif element.tag == w("tbl"):
                blocks += self.table(element, section, width)
            elif element.tag == w("sdt"):
                content = element.find(w("sdtContent"))
                if content is not None:
                    blocks += self.blocks(content, section, width)
        return blocks

    def paragraph(self, paragraph, section: Section, width: int) -> Block | None:
        """A paragraph's block, or None when it takes no room (a frame lies outside the text flow)."""
        ppr = paragraph.find(w("pPr"))
        style = ppr.find(w("pStyle")) if ppr is not None else None
        style_id = style.get(w("val")) if style is not None else None
        base, run_base = self.styles.paragraph(style_id)
        props = dict(base)
        _paragraph_properties(ppr, props)
        if props.get("frame"):
            return None
        mark = dict(run_base)
        _run_properties(ppr.find(w("rPr")) if ppr is not None else None, mark)
        pieces, heights, page_break = self._pieces(paragraph, style_id, run_base)
        grid = section if props.get("snapToGrid", True) else None
        em = grid.cell if grid and grid.cell > 0 else mark.get("sz", 20) / 2  # a character of *Chars, in points
        left = self._indent(props, "left", "start", em)
        right = self._indent(props, "right", "end", em)
        first = self._indent(props, "firstLine", None, em) - self._indent(props, "hanging", None, em)
        lines = self._break(pieces, (width - left - right) / PT, first / PT, grid, props.get("tabs", ()))
        line_heights = [self._line_height(props, size, section) for size in lines] or \
                       [self._line_height(props, mark.get("sz", 20), section)]
        for index, extra in heights:
            if index < len(line_heights):
                line_heights[index] = max(line_heights[index], extra)
        before = self._spacing(props, "before", section) + props.get("border.top", 0)
        after = self._spacing(props, "after", section) + props.get("border.bottom", 0)
        return Block(line_heights, before, after, props.get("keepNext", False),
                     props.get("pageBreakBefore", False) or page_break)

    @staticmethod
    def _indent(props: dict, name: str, alias: str | None, em: float) -> float:
        """An indent in twips: its *Chars form (hundredths of a character `em` points wide) wins."""
        for key in (name, alias):
            if key and f"ind.{key}Chars" in props and _signed(props[f"ind.{key}Chars"]):
                return _signed(props[f"ind.{key}Chars"]) * em * PT / 100
        for key in (name, alias):
            if key and f"ind.{key}" in props:
                return _signed(props[f"ind.{key}"])
        return 0

    def _spacing(self, props: dict, side: str, section: Section) -> int:
        """Space before or after in twips: in grid lines (hundredths) when set so, else in twips."""
        lines = _signed(props.get(f"spacing.{side}Lines"))
        return lines * section.pitch // 100 if lines else _signed(props.get(f"spacing.{side}"))

    def _line_height(self, props: dict, size: int, section: Section) -> int:
        """A line's height in twips, its largest font `size` in half points."""
        rule, line = props.get("spacing.lineRule", "auto"), _signed(props.get("spacing.line", "240"))
        natural = size * PT * NATURAL / 2
        if rule == "exact":
            return abs(line)
        if rule == "atLeast":
            return max(line, math.ceil(natural))
        height = natural * line / 240
        if props.get("snapToGrid", True) and section.pitch:
            return math.ceil(height / section.pitch - 0.01) * section.pitch
        return math.ceil(height)

    def _pieces(self, paragraph, style_id: str | None, run_base: dict) -> tuple[list, list, bool]:
        """The paragraph's text as (character, size in half points, scale, tracking) pieces, "\\n" for a line
        break and "\\t" for a tab; inline pictures as (line index, height) pairs; whether a page break is in it."""
        pieces: list = []
        heights: list = []
        page_break = False
        for run in paragraph.iter(w("r")):
            rpr = run.find(w("rPr"))
            rstyle = rpr.find(w("rStyle")) if rpr is not None else None
            props = self.styles.run(style_id, rstyle.get(w("val"))) if rstyle is not None else run_base
            if rpr is not None:
                props = dict(props)
                _run_properties(rpr, props)
            if props.get("vanish"):
                continue
            format_ = (props.get("sz", 20), props.get("w", 100), props.get("spacing", 0))
            for child in run:
                tag = child.tag
                if tag == w("t"):
                    pieces += [(char, *format_) for char in child.text or ""]
                elif tag == w("tab"):
                    pieces.append(("\t", *format_))
                elif tag in (w("br"), w("cr")):
                    if child.get(w("type")) == "page":
                        page_break = True
                    else:
                        pieces.append(("\n", *format_))
                elif tag == w("drawing"):
                    extent = child.find(f"{{{WP}}}inline/{{{WP}}}extent")
                    if extent is not None:
                        heights.append((sum(piece[0] == "\n" for piece in pieces), int(extent.get("cy", 0)) // EMU))
        return pieces, heights, page_break

    def _break(self, pieces: list, width: float, first: float, section: Section | None, tabs: tuple) -> list[int]:
        """Break the pieces into lines `width` points wide (the first indented by `first`); each line's
        largest size in half points."""
        lines: list[int] = []
        x, start, line_size, index = first, first, 0, 0
        count = len(pieces)
        while index < count:
            char, size, scale, tracking = pieces[index]
            if char == "\n":
                lines.append(line_size or size)
                x = start = 0.0
                line_size, index = 0, index + 1
                continue
            if char == "\t":
                x = self._tab(x, tabs, width, pieces, index + 1, section)
                line_size, index = max(line_size, size), index + 1
                continue
            advance = self._advance(char, size, scale, tracking, section)
            if x + advance <= width + 0.01 or x <= start or (char in NO_START and self.engine.hanging):
                x += advance
                line_size, index = max(line_size, size), index + 1
                continue
            back = self._back(pieces, index, start)
            lines.append(line_size or size)
            index -= back
            x = start = 0.0
            line_size = 0
        lines.append(line_size or (pieces[-1][1] if pieces else 0))
        return [size for size in lines if size] if pieces else []

    def _back(self, pieces: list, index: int, start: float) -> int:
        """How many pieces before `index` move to the next line with it: a closing mark takes the character
        before it, an opening mark at the line's end goes down, and a Latin word stays whole."""
        char = pieces[index][0]
        if char in WORD_CHARACTERS:
            back = 0
            while index - back - 1 >= 0 and pieces[index - back - 1][0] in WORD_CHARACTERS:
                back += 1
            return back if index - back > 0 and pieces[index - back - 1][0] not in "\n" else 0
        if char in NO_START and index > 0 and pieces[index - 1][0] not in "\n\t":
            return 1
        if index > 0 and pieces[index - 1][0] in NO_END:
            return 1
        return 0

    def _tab(self, x: float, tabs: tuple, width: float, pieces: list, following: int, section: Section | None) -> float:
        """Where a tab moves the pen (points): to the next stop after it (the text up to the next tab ending
        at a right stop, centred on a centre stop), else to the next default stop."""
        for stop, kind in tabs:
            position = min(stop / PT, width)
            if position > x + 0.01:
                if kind in ("right", "end", "center"):
                    end = next((i for i in range(following, len(pieces)) if pieces[i][0] in "\t\n"), len(pieces))
                    text = sum(self._advance(*pieces[i], section) for i in range(following, end))
                    return max(x, position - (text if kind != "center" else text / 2))
                return position
        step = self.styles.default_tab / PT
        return (math.floor(x / step + 0.01) + 1) * step

    @staticmethod
    def _advance(char: str, size: int, scale: int, tracking: int, section: Section | None) -> float:
        """A character's advance in points: a full-width one its size (at least a grid cell), others half."""
        points = size / 2 * scale / 100
        if not _full_width(char):
            return points / (4 if char == " " else 2) + tracking / PT
        advance = points + tracking / PT
        if section and section.cell > 0:  # Word gives the character whole grid cells
            return max(advance, math.ceil(advance / section.cell - 0.01) * section.cell)
        return advance

    def table(self, table, section: Section, width: int) -> list[Block]:
        """A table's rows as whole blocks: each as high as its tallest cell (or its w:trHeight)."""
        cell_margins = table.find(f"{w('tblPr')}/{w('tblCellMar')}")
        margin = 216
        if cell_margins is not None:
            sides = [cell_margins.find(w(side)) for side in ("left", "start", "right", "end")]
            margin = sum(_signed(side.get(w("w"))) for side in sides if side is not None) or margin
        grid = [_signed(column.get(w("w"))) for column in table.iter(w("gridCol"))]
        rows = []
        for row in table.findall(w("tr")):
            tallest, column = 0, 0
            for cell in row.findall(w("tc")):
                span = cell.find(f"{w('tcPr')}/{w('gridSpan')}")
                span = _signed(span.get(w("val"))) if span is not None else 1
                cell_width = sum(grid[column:column + span]) if grid[column:column + span] else width
                column += span
                blocks = self.blocks(cell, section, max(cell_width - margin, PT))
                tallest = max(tallest, sum(block.height for block in blocks))
            height = row.find(f"{w('trPr')}/{w('trHeight')}")
            if height is not None:
                value = _signed(height.get(w("val")))
                tallest = value if height.get(w("hRule")) == "exact" else max(tallest, value)
            rows.append(Block([tallest], whole=True))
        return rows

    def end(self, body, last=None) -> End:
        """Where the body's text ends, up to and including the element `last` (by default all of it):
        its sections in turn, each on the page its start type (next, even or odd page, continuous) gives."""
        page, used, height = 1, 0, 0
        for elements, sectpr in _sections(body, last):
            section = Section.of(sectpr, self.styles.body_size) if sectpr is not None else DEFAULT_SECTION
            if height and section.start != "continuous":
                page, used = page + 1, 0
                if (section.start == "evenPage" and page % 2) or (section.start == "oddPage" and not page % 2):
                    page += 1
            height = section.height
            page, used = self._stack(self.blocks(elements, section), page, used, height, self.engine.widows)
        return End(page, used, height or DEFAULT_SECTION.height)

    def _stack(self, blocks: list[Block], page: int, used: int, height: int, widows: int) -> tuple[int, int]:
        """Stack blocks on pages `height` twips high from (page, used), a paragraph split over two pages
        keeping at least `widows` lines on each (0: any split); where the last one ends."""
        for number, block in enumerate(blocks):
            if block.break_before and used:
                page, used = page + 1, 0
            if block.keep_next and used:
                chain = self._kept_height(blocks, number, widows)
                if used + chain > height + TOLERANCE and chain <= height:
                    page, used = page + 1, 0
            if block.whole:
                if used and used + block.height > height + TOLERANCE:
                    page, used = page + 1, 0
                used += block.height
                continue
            top, lines = not used, block.lines
            used += block.before
            fit = 0
            while fit < len(lines) and used + lines[fit] <= height + TOLERANCE:
                used, fit = used + lines[fit], fit + 1
            if fit < len(lines) and not top:
                if widows:  # at least `widows` lines on each page, else the whole paragraph moves on
                    kept = min(fit, len(lines) - widows)
                    kept = kept if kept >= widows else 0
                    used -= sum(lines[kept:fit])
                    fit = kept
                page, used = page + 1, 0 if fit else block.before
            for line in lines[fit:]:
                if used and used + line > height + TOLERANCE:
                    page, used = page + 1, 0
                used += line
            used = min(used + block.after, height)
        return page, used

    @staticmethod
    def _kept_height(blocks: list[Block], number: int, widows: int) -> int:
        """The height a keep-with-next block needs on its page: it and the following kept blocks whole, and
        the first line (the first `widows` lines) of the block after them."""
        height = 0
        while number < len(blocks) and blocks[number].keep_next:
            height += blocks[number].height
            number += 1
        if number < len(blocks):
            following = blocks[number]
            height += following.height if following.whole else following.before + sum(
                following.lines[:max(widows, 1)])
        return height


DEFAULT_SECTION = Section(9360, 12960, 360, 0.0, "nextPage")  # Word's Letter page with 1" and 1.25" margins


def _sections(body, last=None) -> list[tuple[list, object]]:
    """The body's elements up to `last` (all when None) split into sections: (elements, the w:sectPr
    ending them). A paragraph holding a w:sectPr ends its section; the body's own w:sectPr ends the last."""
    sections, elements = [], []
    for element in body:
        if element.tag == w("sectPr"):
            sections.append((elements, element))
            return sections
        elements.append(element)
        sectpr = element.find(f"{w('pPr')}/{w('sectPr')}") if element.tag == w("p") else None
        if sectpr is not None:
            sections.append((elements, sectpr))
            elements = []
        if element is last:
            if elements:
                following = body.find(w("sectPr"))
                sections.append((elements, following))
            return sections
    if elements:
        sections.append((elements, None))
    return sections


def _full_width(char: str) -> bool:
    """Whether a character is set full width: CJK ideographs, kana and hangul, CJK and full-width
    punctuation, and the quotation marks, dashes and ellipsis Chinese text uses."""
    code = ord(char)
    return (code >= 0x2E80 and not 0xFF61 <= code <= 0xFFDC) or 0x2014 <= code <= 0x2026 or char in "※"
