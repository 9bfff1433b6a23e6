"""Positions on a PDF page in mm from the sheet's top-left corner, on the ink, as a reader measures them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import pymupdf

MM = 25.4 / 72  # one PDF point in mm
TEXT_TOP, TEXT_BOTTOM = 37.0, 262.0  # the GB/T 9704 text block, 156 × 225 mm
TEXT_LEFT, TEXT_RIGHT = 28.0, 184.0
FOLIO = re.compile(r"^—(\d+)—$")
RED = (1.0, 0.0, 0.0)


def is_cjk(char: str) -> bool:
    """A full-width CJK ideograph (the characters a 28-character line counts)."""
    return "\u4e00" <= char <= "\u9fff"


@dataclass(frozen=True)
class Line:
    """One line of text: its characters without spaces and its ink box in mm."""

    text: str
    left: float
    right: float
    top: float
    bottom: float
    size: float  # points
    color: tuple[float, float, float]

    @property
    def centre(self) -> float:
        """The horizontal centre of the ink."""
        return (self.left + self.right) / 2


@dataclass(frozen=True)
class Rule:
    """A horizontal stroke: its span and height in mm, thickness in mm, colour."""

    left: float
    right: float
    y: float
    thickness: float
    color: tuple[float, float, float]

    @property
    def width(self) -> float:
        """Its length."""
        return self.right - self.left


class Page:
    """The lines and rules of one page."""

    def __init__(self, page: pymupdf.Page, number: int):
        self.number = number
        self.lines = sorted(_lines(page), key=lambda line: (round(line.top, 1), line.left))
        self.rules = sorted(_rules(page), key=lambda rule: rule.y)

    @cached_property
    def folio(self) -> Line | None:
        """The page number line (— 3 —) under the text block, if any."""
        return next((line for line in self.lines if line.top > TEXT_BOTTOM and FOLIO.match(line.text)), None)

    @property
    def body(self) -> list[Line]:
        """The lines inside the text block (no folio)."""
        return [line for line in self.lines if line.top < TEXT_BOTTOM]

    @property
    def blank(self) -> bool:
        """Nothing printed at all."""
        return not self.lines and not self.rules


class Layout:
    """A PDF's pages, measured."""

    def __init__(self, pdf: bytes):
        with pymupdf.open(stream=pdf, filetype="pdf") as document:
            self.pages = [Page(page, number) for number, page in enumerate(document, 1)]
            self.sizes = [(page.rect.width * MM, page.rect.height * MM) for page in document]

    def find(self, text: str, page: int | None = None) -> Line:
        """The first line holding text (spaces ignored), on one page or any."""
        wanted = "".join(text.split())
        pages = self.pages if page is None else [self.pages[page - 1]]
        for candidate in pages:
            for line in candidate.lines:
                if wanted in line.text:
                    return line
        raise LookupError(f"no line holds {text!r}")


def _lines(page: pymupdf.Page) -> list[Line]:
    """Lines as pymupdf groups them, split where they share a baseline; ink boxes of non-space characters."""
    rows: dict[tuple[int, float], list] = {}
    for block in page.get_text("rawdict")["blocks"]:
        for line in block.get("lines", []):
            for span in line["spans"]:
                for char in span["chars"]:
                    if char["c"].strip():
                        key = round(span["origin"][1] * MM, 1)
                        rows.setdefault(key, []).append((char, span))
    lines = []
    for chars in rows.values():
        chars.sort(key=lambda item: item[0]["bbox"][0])
        boxes = [char["bbox"] for char, _ in chars]
        size = max(span["size"] for _, span in chars)
        color = pymupdf.sRGB_to_pdf(chars[0][1]["color"])
        lines.append(Line("".join(char["c"] for char, _ in chars),
                          min(box[0] for box in boxes) * MM, max(box[2] for box in boxes) * MM,
                          min(box[1] for box in boxes) * MM, max(box[3] for box in boxes) * MM, size, color))
    return lines


def _rules(page: pymupdf.Page) -> list[Rule]:
    """Horizontal strokes (paragraph and table borders), duplicates drawn twice counted once."""
    rules = set()
    for drawing in page.get_drawings():
        for item in drawing["items"]:
            if item[0] == "l" and abs(item[1].y - item[2].y) < 0.1:
                left, right = sorted((item[1].x, item[2].x))
                color = tuple(round(c, 2) for c in drawing.get("color") or (0, 0, 0))
                rules.add(Rule(round(left * MM, 2), round(right * MM, 2), round(item[1].y * MM, 2),
                               round((drawing.get("width") or 0) * MM, 2), color))
    return list(rules)
