"""荣誉证书: an A4 landscape certificate inside a red double border."""

from __future__ import annotations

import gbt9704 as g


CERTIFICATE_RED = "C00000"
CERTIFICATE_PT = 22
CERTIFICATE_LINE = 720  # 36 pt
CERTIFICATE_STYLES = (
    g.Style("证书编号", g.FANGSONG, 14, g.BLACK, "right", g.NO_INDENT, line=None, grid=False),
    g.Style("证书标题", g.XIAOBIAOSONG, 54, CERTIFICATE_RED, "center", g.NO_INDENT, line=None,
            after=240, tracking=600, grid=False),
    g.Style("证书称呼", g.KAITI, CERTIFICATE_PT, g.BLACK, "left", g.NO_INDENT, line=CERTIFICATE_LINE,
            grid=False),
    g.Style("证书正文", g.KAITI, CERTIFICATE_PT, g.BLACK, "both",
            {"firstLineChars": "200", "firstLine": str(CERTIFICATE_PT * 40)}, line=CERTIFICATE_LINE,
            grid=False),
    g.Style("证书署名", g.KAITI, CERTIFICATE_PT, g.BLACK, indent=g.NO_INDENT, line=CERTIFICATE_LINE,
            before=CERTIFICATE_LINE // 2, keep_next=True, grid=False),
    g.Style("证书日期", g.KAITI, CERTIFICATE_PT, g.BLACK, indent=g.NO_INDENT, line=CERTIFICATE_LINE,
            grid=False),
)


def certificate():
    """荣誉证书: A4 landscape inside a red double border, 楷体 citation, issuer and date."""
    doc = g.new_document(landscape=True, numbered=False)
    for spec in CERTIFICATE_STYLES:
        g.define_style(doc, spec)
    page_border(doc.sections[0], CERTIFICATE_RED)
    g.block(doc, "{%p if number %}", ("证书编号", "证书编号：{{ number }}"), end="{%p endif %}")
    g.paragraph(doc, "{{ heading }}", "证书标题")
    g.paragraph(doc, "{{ salutation }}", "证书称呼")
    g.paragraph(doc, "{{ citation }}", "证书正文")
    g.paragraph(doc, "{{ closing }}", "证书正文")
    # Issuer two characters in from the right for up to 16 characters, the date centred under it.
    centre = g.A4_LONG - g.MARGINS["left"] - g.MARGINS["right"] - 10 * CERTIFICATE_PT * 20
    g.centred_at(doc, "{{ issuer_full_name }}", "证书署名", centre)
    g.centred_at(doc, "{{ date_text }}", "证书日期", centre)
    return doc


def page_border(section, color: str) -> None:
    """A thick-thin double border 24 pt inside the sheet's edges."""
    borders = g.element("w:pgBorders", offsetFrom="page")
    for side in ("top", "left", "bottom", "right"):
        borders.append(g.element(f"w:{side}", val="thickThinMediumGap", sz=36, space=24, color=color))
    section._sectPr.insert_element_before(
        borders, "w:lnNumType", "w:pgNumType", "w:cols", "w:formProt", "w:vAlign", "w:noEndnote",
        "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings")
