"""荣誉证书: an A4 landscape certificate inside a red double border."""

from __future__ import annotations

from dataclasses import dataclass

from docx.oxml.ns import qn
from docx.shared import Twips

from . import gbt9704 as g

CERTIFICATE_RED = "C00000"
MARGIN = 1417  # 25 mm on every side: about 15 mm between the border and the text
TEXT_WIDTH, TEXT_HEIGHT = g.A4_LONG - 2 * MARGIN, g.A4_SHORT - 2 * MARGIN
# The issuer and the date are centred in a column at the right: 22 characters of 22 pt.
SIGNATURE_COLUMN = 22 * 22 * 20
NUMBER_LINE, TITLE_LINE, TITLE_AFTER = 400, 1360, 240
CERTIFICATE_STYLES = (
    g.Style("证书编号", g.FANGSONG, 14, g.BLACK, "right", g.NO_INDENT, line=NUMBER_LINE, grid=False),
    g.Style("证书标题", g.XIAOBIAOSONG, 54, CERTIFICATE_RED, "center", g.NO_INDENT, line=TITLE_LINE,
            after=TITLE_AFTER, tracking=600, grid=False),
)
BODY_HEIGHT = TEXT_HEIGHT - NUMBER_LINE - TITLE_LINE - TITLE_AFTER
FIXED_LINES = 4  # the closing formula, an issuer wrapping onto two lines, the date
TEXT_LENGTH = "(salutation ~ citation)|length"  # the Jinja expression that picks the size


@dataclass(frozen=True)
class Body:
    """One size of the text under the title, from the salutation to the date."""

    suffix: str  # appended to the style names
    size: int  # points
    line: int  # exact line height in twips

    @property
    def limit(self) -> int:
        """The most characters of salutation and citation that this size fits on the page."""
        lines = (BODY_HEIGHT - self.line // 2) // self.line - FIXED_LINES
        # Counting a character fewer than fit a line (line-breaking rules move some down), the
        # salutation and the citation, each starting a line, take at most `lines` lines when
        # together they hold `lines - 1` lines' worth less the citation's two-character indent.
        per_line = TEXT_WIDTH // (self.size * 20) - 1
        return (lines - 1) * per_line - 2

    def styles(self) -> tuple[g.Style, ...]:
        """Salutation, text, issuer and date styles: 楷体, off the grid, exact lines."""
        column = {**g.NO_INDENT, "leftChars": "0", "left": str(TEXT_WIDTH - SIGNATURE_COLUMN)}
        first_line = {"firstLineChars": "200", "firstLine": str(self.size * 40)}
        common = {"font": g.KAITI, "size": self.size, "color": g.BLACK, "line": self.line, "grid": False}
        return (
            g.Style(f"证书称呼{self.suffix}", align="left", indent=g.NO_INDENT, **common),
            g.Style(f"证书正文{self.suffix}", align="both", indent=first_line, **common),
            g.Style(f"证书署名{self.suffix}", align="center", indent=column, before=self.line // 2,
                    keep_next=True, **common),
            g.Style(f"证书日期{self.suffix}", align="center", indent=column, **common),
        )


# 二号, 小二 or 三号 with 1.5-line spacing: the largest that fits the salutation and citation.
# The smallest fits the schema's longest deed with a 40-character recipient and the number.
SIZES = (Body("", 22, 660), Body("（中字）", 18, 540), Body("（小字）", 16, 480))


def certificate():
    """荣誉证书: A4 landscape inside a red double border, 楷体 citation, issuer and date."""
    doc = g.new_document(landscape=True, numbered=False)
    section = doc.sections[0]
    certificate_page(section)
    for spec in (*CERTIFICATE_STYLES, *(spec for size in SIZES for spec in size.styles())):
        g.define_style(doc, spec)
    page_border(section, CERTIFICATE_RED)
    g.block(doc, "{%p if number %}", ("证书编号", "证书编号：{{ number }}"), end="{%p endif %}")
    g.paragraph(doc, "{{ heading }}", "证书标题")
    conditions = [f"{{%p {'el' if i else ''}if {TEXT_LENGTH} <= {size.limit} %}}" for i, size in enumerate(SIZES[:-1])]
    for tag, size in zip([*conditions, "{%p else %}"], SIZES):
        g.tagged(doc, tag)
        body(doc, size)
    g.tagged(doc, "{%p endif %}")
    for para in doc.paragraphs:
        centre_on_page(para)
    g.paragraph(doc, "", "分节")
    return doc


def centre_on_page(para) -> None:
    """Put the paragraph in the frame that holds the certificate's text, centred on the page.

    Paragraphs with the same frame properties share one frame, as high as its text. (Word would
    centre a section's text with w:vAlign; LibreOffice 7.4 ignores that.)
    """
    para._p.get_or_add_pPr().insert_element_before(
        g.element("w:framePr", w=TEXT_WIDTH, hSpace=0, vSpace=0, wrap="notBeside", hAnchor="margin",
                  vAnchor="margin", xAlign="center", yAlign="center"),
        "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
        "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
        "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing",
        "w:ind", "w:jc", "w:outlineLvl", "w:rPr")


def body(doc, size: Body) -> None:
    """Salutation, citation, closing formula, issuer and date in one size."""
    g.paragraph(doc, "{{ salutation }}", f"证书称呼{size.suffix}")
    g.paragraph(doc, "{{ citation }}", f"证书正文{size.suffix}")
    g.paragraph(doc, "{{ closing }}", f"证书正文{size.suffix}")
    g.paragraph(doc, "{{ issuer_full_name }}", f"证书署名{size.suffix}")
    g.paragraph(doc, "{{ date_text }}", f"证书日期{size.suffix}")


def certificate_page(section) -> None:
    """Equal margins and no document grid (LibreOffice would cut the page to whole grid lines)."""
    for side in g.MARGINS:
        setattr(section, f"{side}_margin", Twips(MARGIN))
    section._sectPr.remove(section._sectPr.find(qn("w:docGrid")))


def page_border(section, color: str) -> None:
    """A thick-thin double border 24 pt inside the sheet's edges."""
    borders = g.element("w:pgBorders", offsetFrom="page")
    for side in ("top", "left", "bottom", "right"):
        borders.append(g.element(f"w:{side}", val="thickThinMediumGap", sz=36, space=24, color=color))
    section._sectPr.insert_element_before(
        borders, "w:lnNumType", "w:pgNumType", "w:cols", "w:formProt", "w:vAlign", "w:noEndnote",
        "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings")
