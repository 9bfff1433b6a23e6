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
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import accumulate

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def w(tag: str) -> str:
    """The Clark name of a w: element or attribute."""
    return f"{{{W}}}{tag}"


P, P_PR, P_STYLE, R_PR, R_STYLE, VAL, TYPE = w("p"), w("pPr"), w("pStyle"), w("rPr"), w("rStyle"), w("val"), w("type")
SECT_PR, BODY_SECT_PR = w("sectPr"), f"{w('pPr')}/{w('sectPr')}"
R, T, TAB, BR, CR, DRAWING = w("r"), w("t"), w("tab"), w("br"), w("cr"), w("drawing")
EXTENT = f"{{{WP}}}inline/{{{WP}}}extent"
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


def signed(value: str | None) -> int:
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
                    into[f"border.{side}"] = (signed(border.get(w("space"))) * PT + signed(border.get(w("sz"))) * PT
                                              // 8) if visible else 0
        elif name == "framePr":
            into["frame"] = True
        elif name == "tabs":
            into["tabs"] = tuple(sorted((signed(tab.get(w("pos"))), tab.get(w("val"))) for tab in child.iter(w("tab"))
                                        if tab.get(w("val")) not in ("clear", "bar")))


def _run_properties(rpr, into: dict) -> None:
    """Merge the size, tracking and scale of a w:rPr into `into`."""
    if rpr is None:
        return
    for name, attribute in RUN_PROPERTIES.items():
        found = rpr.find(w(name))
        if found is not None and found.get(w(attribute)) is not None:
            into[name] = signed(found.get(w(attribute)))
    vanish = rpr.find(w("vanish"))
    if vanish is not None:
        into["vanish"] = _toggle(vanish)


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per w:sectPr of a document
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
            return signed(found) if found is not None else default

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


@dataclass(slots=True)
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


@dataclass(frozen=True)
class Params:
    """What laying out a paragraph needs, resolved from its style and direct properties (twips)."""

    grid: float  # the character-grid cell in points, 0 off the grid
    size: int  # the paragraph mark's size in half points (an empty paragraph's line)
    left: float
    right: float
    first: float  # the first line's indent (negative: hanging)
    before: int
    after: int
    keep_next: bool
    break_before: bool
    tabs: tuple
    rule: str  # w:lineRule
    line: int  # w:line
    snap: int  # the grid pitch an auto line height rounds up to, 0 off the grid

    def line_height(self, size: int) -> int:
        """A line's height in twips, its largest font `size` in half points."""
        natural = size * PT * NATURAL / 2
        if self.rule == "exact":
            return abs(self.line)
        if self.rule == "atLeast":
            return max(self.line, math.ceil(natural))
        height = natural * self.line / 240
        return math.ceil(height / self.snap - 0.01) * self.snap if self.snap else math.ceil(height)


def _indent(props: dict, name: str, alias: str | None = None, *, em: float) -> float:
    """An indent in twips: its *Chars form (hundredths of a character `em` points wide) wins."""
    for key in (name, alias):
        if key and signed(props.get(f"ind.{key}Chars")):
            return signed(props[f"ind.{key}Chars"]) * em * PT / 100
    for key in (name, alias):
        if key and f"ind.{key}" in props:
            return signed(props[f"ind.{key}"])
    return 0


def _spacing(props: dict, side: str, *, pitch: int) -> int:
    """Space before or after in twips: in grid lines (hundredths) when set so, else in twips."""
    lines = signed(props.get(f"spacing.{side}Lines"))
    return lines * pitch // 100 if lines else signed(props.get(f"spacing.{side}"))


@dataclass(frozen=True)
class _Format:
    """A run's format, as it sets the advances of its characters (points)."""

    size: int  # half points
    scale: int  # percent
    tracking: int  # twips
    cell: float  # the character-grid cell, 0 off the grid

    def advance(self, char: str) -> float:
        """A full-width character takes its size (on a character grid, whole cells: Word's grid); others half,
        a space a quarter; line breaks and tabs nothing (a tab's advance depends on where it is)."""
        points = self.size / 2 * self.scale / 100
        if char in "\t\n":
            return 0.0
        if not _full_width(char):
            return points / (4 if char == " " else 2) + self.tracking / PT
        advance = points + self.tracking / PT
        return max(advance, math.ceil(advance / self.cell - 0.01) * self.cell) if self.cell else advance


@lru_cache(maxsize=256)
def _widths(size: int, scale: int, tracking: int, cell: float) -> tuple[dict, _Format]:
    """The advances of one format's characters seen so far, and the format (shared by every document: a
    format's advances never change)."""
    return {}, _Format(size, scale, tracking, cell)


def _advances(text: str, size: int, scale: int, tracking: int, cell: float):
    """The advances of the characters of a text in one format."""
    known, format_ = _widths(size, scale, tracking, cell)
    for char in set(text).difference(known):
        known[char] = format_.advance(char)
    return map(known.__getitem__, text)


class Estimator:
    """Lays out body elements of one document (given its styles) as pages of lines, as `engine` would."""

    def __init__(self, styles: Styles, engine: Engine = LIBREOFFICE, memo: dict | None = None):
        self.styles = styles
        self.engine = engine
        # What does not depend on the engine, for estimators of one document to share: the Params of
        # paragraphs that only name their style (by style and section), the sections (by w:sectPr) and the
        # blocks of paragraphs every engine breaks alike (by element).
        self._memo = {} if memo is None else memo

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
        memo = self._memo
        block = memo.get(paragraph)  # laid out alike by every engine
        if block is not None:
            return block
        ppr = paragraph.find(P_PR)
        style = ppr.find(P_STYLE) if ppr is not None else None
        style_id = style.get(VAL) if style is not None else None
        if ppr is None or len(ppr) == (style is not None):
            key = (style_id, section)
            params = memo[key] if key in memo else memo.setdefault(key, self._params(style_id, ppr, section))
        else:
            params = self._params(style_id, ppr, section)
        if params is None:
            return None
        text, widths, sizes, heights, page_break = self._text(paragraph, style_id, params.grid)
        line_sizes, alike = self._break(text, widths, sizes, (width - params.left - params.right) / PT,
                                        params.first / PT, params)
        if params.rule == "exact":
            line_heights = [abs(params.line)] * (len(line_sizes) or 1)
        else:
            line_heights = [params.line_height(size) for size in line_sizes] or [params.line_height(params.size)]
        for index, extra in heights:
            if index < len(line_heights):
                line_heights[index] = max(line_heights[index], extra)
        block = Block(line_heights, params.before, params.after, params.keep_next, params.break_before or page_break)
        if alike:
            memo[paragraph] = block
        return block

    def _params(self, style_id: str | None, ppr, section: Section) -> Params | None:
        """What laying out a paragraph of this style with these direct properties needs; None for a frame."""
        base, run_base = self.styles.paragraph(style_id)
        props = dict(base)
        _paragraph_properties(ppr, props)
        if props.get("frame"):
            return None
        mark = dict(run_base)
        _run_properties(ppr.find(R_PR) if ppr is not None else None, mark)
        grid = section.cell if props.get("snapToGrid", True) and section.cell > 0 else 0.0
        size = mark.get("sz", 20)
        em = grid or size / 2  # a character of the *Chars indents, in points
        indent = partial(_indent, props, em=em)
        spacing = partial(_spacing, props, pitch=section.pitch)
        rule, line = props.get("spacing.lineRule", "auto"), signed(props.get("spacing.line", "240"))
        snap = section.pitch if props.get("snapToGrid", True) else 0
        return Params(grid, size, indent("left", "start"), indent("right", "end"),
                      indent("firstLine") - indent("hanging"), spacing("before") + props.get("border.top", 0),
                      spacing("after") + props.get("border.bottom", 0), props.get("keepNext", False),
                      props.get("pageBreakBefore", False), props.get("tabs", ()), rule, line, snap)

    def _text(self, paragraph, style_id: str | None, grid: float) -> tuple[str, list, list, list, bool]:
        """The paragraph's characters (a line break as \\n, a tab as \\t), their advances in points and sizes in
        half points; inline pictures as (line index, height) pairs; whether a page break is in it."""
        run_base = self.styles.paragraph(style_id)[1]
        if next(paragraph.iter(R_PR, TAB, BR, CR, DRAWING), None) is None:  # plain text in the style's format
            text = "".join(paragraph.itertext(T))
            size = run_base.get("sz", 20)
            widths = list(_advances(text, size, run_base.get("w", 100), run_base.get("spacing", 0), grid))
            return text, widths, [size] * len(text), [], False
        chars: list[str] = []
        widths = []
        sizes: list[int] = []
        heights: list = []
        page_break = False
        for run in paragraph.iter(R):
            rpr = run.find(R_PR)
            props = run_base
            if rpr is not None:
                rstyle = rpr.find(R_STYLE)
                props = dict(self.styles.run(style_id, rstyle.get(VAL)) if rstyle is not None else run_base)
                _run_properties(rpr, props)
                if props.get("vanish"):
                    continue
            size, scale, tracking = props.get("sz", 20), props.get("w", 100), props.get("spacing", 0)
            for child in run:
                tag = child.tag
                if tag == T:
                    text = child.text or ""
                elif tag == TAB:
                    text = "\t"
                elif tag in (BR, CR):
                    if child.get(TYPE) == "page":
                        page_break = True
                        continue
                    text = "\n"
                elif tag == DRAWING:
                    extent = child.find(EXTENT)
                    if extent is not None:
                        heights.append(("".join(chars).count("\n"), int(extent.get("cy", 0)) // EMU))
                    continue
                else:
                    continue
                chars.append(text)
                widths += _advances(text, size, scale, tracking, grid)
                sizes += [size] * len(text)
        return "".join(chars), widths, sizes, heights, page_break

    def _break(self, text: str, widths: list, sizes: list, width: float, first: float,
               params: Params) -> tuple[list[int], bool]:
        """Break the text into lines `width` points wide, the first indented by `first`: each line's largest
        size in half points (none for an empty paragraph), and whether every engine breaks them alike (no
        closing mark met the line's end)."""
        if not text:
            return [], True
        alike = True
        cum = list(accumulate(widths, initial=0.0))  # cum[i]: the advance of text[:i]
        lines: list[int] = []
        begin, x, start, count = 0, first, 0, len(text)
        while start <= count:
            stop = _next_stop(text, start)
            index = start
            while index < stop:
                fits = bisect_right(cum, width + 0.01 - x + cum[index], index + 1, stop + 1) - 1
                if fits >= stop:
                    x += cum[stop] - cum[index]
                    break
                cut = self._cut(text, fits, begin, index)
                alike = alike and text[fits] not in NO_START
                if cut >= stop:  # the segment's last character hangs in the margin
                    x = width
                    break
                lines.append(max(sizes[begin:cut]))
                begin, index, x = cut, cut, 0.0
            if stop < count and text[stop] == "\t":
                following = _next_stop(text, stop + 1)
                x = self._tab(x, params.tabs, width, cum[following] - cum[stop + 1])
            elif stop < count:
                lines.append(max(sizes[begin:stop + 1]))
                begin, x = stop + 1, 0.0
            start = stop + 1
        if begin < count:
            lines.append(max(sizes[begin:]))
        return lines, alike

    def _cut(self, text: str, overflow: int, begin: int, start: int) -> int:
        """Where a line whose character `overflow` does not fit ends (the next line's first character): a
        closing mark hangs in the margin (Word) or takes the character before it along (LibreOffice), an
        opening mark goes down, a Latin word stays whole; a line keeps at least one character."""
        char = text[overflow]
        cut = overflow
        if char in NO_START and self.engine.hanging:
            cut = overflow + 1
        elif overflow > begin and (char in NO_START or text[overflow - 1] in NO_END):
            cut = overflow - 1
        elif char in WORD_CHARACTERS:
            while cut > start and text[cut - 1] in WORD_CHARACTERS:
                cut -= 1
        cut = max(cut, start)
        return cut if cut > begin else max(overflow, begin + 1)

    def _tab(self, x: float, tabs: tuple, width: float, following: float) -> float:
        """Where a tab moves the pen (points): to the next stop after it (text `following` points wide ending
        at a right stop, centred on a centre stop), else to the next default stop."""
        for stop, kind in tabs:
            position = min(stop / PT, width)
            if position > x + 0.01:
                if kind in ("right", "end"):
                    return max(x, position - following)
                return max(x, position - following / 2) if kind == "center" else position
        step = self.styles.default_tab / PT
        return (math.floor(x / step + 0.01) + 1) * step

    def table(self, table, section: Section, width: int) -> list[Block]:
        """A table's rows as whole blocks: each as high as its tallest cell (or its w:trHeight)."""
        cell_margins = table.find(f"{w('tblPr')}/{w('tblCellMar')}")
        margin = 216
        if cell_margins is not None:
            sides = [cell_margins.find(w(side)) for side in ("left", "start", "right", "end")]
            margin = sum(signed(side.get(w("w"))) for side in sides if side is not None) or margin
        grid = [signed(column.get(w("w"))) for column in table.iter(w("gridCol"))]
        rows = []
        for row in table.findall(w("tr")):
            tallest, column = 0, 0
            for cell in row.findall(w("tc")):
                span = cell.find(f"{w('tcPr')}/{w('gridSpan')}")
                span = signed(span.get(w("val"))) if span is not None else 1
                cell_width = sum(grid[column:column + span]) if grid[column:column + span] else width
                column += span
                blocks = self.blocks(cell, section, max(cell_width - margin, PT))
                tallest = max(tallest, sum(block.height for block in blocks))
            height = row.find(f"{w('trPr')}/{w('trHeight')}")
            if height is not None:
                value = signed(height.get(w("val")))
                tallest = value if height.get(w("hRule")) == "exact" else max(tallest, value)
            rows.append(Block([tallest], whole=True))
        return rows

    def end(self, body, last=None) -> End:
        """Where the body's text ends, up to and including the element `last` (by default all of it):
        its sections in turn, each on the page its start type (next, even or odd page, continuous) gives."""
        page, used, height = 1, 0, 0
        for elements, sectpr in _sections(body, last):
            section = self.section(sectpr)
            if height and section.start != "continuous":
                page, used = page + 1, 0
                if (section.start == "evenPage" and page % 2) or (section.start == "oddPage" and not page % 2):
                    page += 1
            height = section.height
            page, used = self._stack(self.blocks(elements, section), page, used, height, self.engine.widows)
        return End(page, used, height or DEFAULT_SECTION.height)

    def section(self, sectpr) -> Section:
        """The section a w:sectPr sets (one per element, shared through the memo), Word's default without one."""
        if sectpr is None:
            return DEFAULT_SECTION
        found = self._memo.get(sectpr)
        if found is None:
            found = self._memo[sectpr] = Section.of(sectpr, self.styles.body_size)
        return found

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
    children = list(body)
    stop = children.index(last) + 1 if last is not None else len(children)
    sections, begin = [], 0
    for sectpr in body.iter(SECT_PR):
        holder = sectpr.getparent()
        if holder is body:
            end = len(children)
        elif holder.tag == P_PR and holder.getparent().getparent() is body:
            end = children.index(holder.getparent()) + 1
        else:
            continue
        sections.append((children[begin:min(end, stop)], sectpr))
        begin = end
        if end >= stop:
            return sections
    return sections + [(children[begin:stop], None)] if begin < stop else sections


def _next_stop(text: str, start: int) -> int:
    """The index of the first tab or line break from `start`, else the text's length."""
    tab, line = text.find("\t", start), text.find("\n", start)
    return min(tab if tab >= 0 else len(text), line if line >= 0 else len(text))


def _full_width(char: str) -> bool:
    """Whether a character is set full width: CJK ideographs, kana and hangul, CJK and full-width
    punctuation, and the quotation marks, dashes and ellipsis Chinese text uses."""
    code = ord(char)
    return (code >= 0x2E80 and not 0xFF61 <= code <= 0xFFDC) or 0x2014 <= code <= 0x2026 or char in "※"
