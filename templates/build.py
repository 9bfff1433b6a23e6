"""Build the Word templates of the document kinds: python templates/build.py [OUT_DIR]."""

from __future__ import annotations

import sys
from pathlib import Path

import gbt9704 as g

OUT_DIR = Path(__file__).resolve().parent / "docx"


def loop(doc, tag: str, *paragraphs: tuple[str, str], end: str = "{%p endfor %}") -> None:
    """Paragraphs repeated (or shown) by a docxtpl paragraph tag: (style, text) pairs."""
    g.tagged(doc, tag)
    for style, text in paragraphs:
        g.paragraph(doc, text, style)
    g.tagged(doc, end)


def meeting_minutes():
    """会议纪要: red heading, opening, topics, discussion, decisions, attendance, 分送."""
    doc = g.new_document()
    g.paragraph(doc, "{{ heading }}", "纪要标志")
    loop(doc, "{%p if number %}", ("发文字号", "{{ number }}"), end="{%p endif %}")
    g.dated_rule(doc, "{{ organisation }}", "{{ date_text }}")
    g.heading(doc, "{{ document_title }}")
    g.paragraph(doc, "{{ opening }}")
    g.paragraph(doc, "会议议题", "Heading 1")
    loop(doc, "{%p for topic in topic_items %}", ("Normal", "{{ topic.label }}{{ topic.text }}"))
    loop(doc, "{%p if discussion_paragraphs %}", ("Heading 1", "会议主要精神"), end="{%p endif %}")
    loop(doc, "{%p for text in discussion_paragraphs %}", ("Normal", "{{ text }}"))
    g.paragraph(doc, "会议议定事项", "Heading 1")
    g.tagged(doc, "{%p for decision in decisions %}")
    g.labelled(doc, "{{ decision.label }}", "{{ decision.content }}（责任人：{{ decision.owner }}；"
                "完成时限：{{ decision.deadline_text }}）")
    g.tagged(doc, "{%p endfor %}")
    g.blank(doc)
    g.labelled(doc, "出席：", "{{ attendee_text }}", "名单")
    g.tagged(doc, "{%p if absentee_text %}")
    g.labelled(doc, "请假：", "{{ absentee_text }}", "名单")
    g.tagged(doc, "{%p endif %}")
    g.tagged(doc, "{%p if observer_text %}")
    g.labelled(doc, "列席：", "{{ observer_text }}", "名单")
    g.tagged(doc, "{%p endif %}")
    g.labelled(doc, "记录人：", "{{ recorder }}", "名单")
    g.colophon(doc, ["{%tr if distribution_text %}", "分送：{{ distribution_text }}", "{%tr endif %}"],
               "{{ organisation }}", "{{ date_text }}印发")
    return doc


def policy():
    """规章制度: the red-header 印发通知, then the rules as its 附件 on a new page."""
    doc = g.new_document()
    g.red_header(doc, "{{ issuer_mark }}", "{{ number }}")
    g.heading(doc, "{{ notice_title }}", "{{ addressee }}：")
    loop(doc, "{%p for text in notice_paragraphs %}", ("Normal", "{{ text }}"))
    g.blank(doc)
    g.paragraph(doc, "{{ attachment_note }}")
    g.signature(doc, "{{ signatory }}", "{{ date_text }}")
    g.attachment_page(doc, "附件", "{{ title }}")
    loop(doc, "{%p if adoption_note %}", ("题注", "{{ adoption_note }}"), end="{%p endif %}")
    g.blank(doc)
    g.tagged(doc, "{%p if has_chapters %}")
    g.tagged(doc, "{%p for chapter in chapters %}")
    g.paragraph(doc, "{{ chapter.heading }}", "章标题")
    rules_articles(doc, "chapter.articles")
    g.tagged(doc, "{%p endfor %}")
    g.tagged(doc, "{%p else %}")
    rules_articles(doc, "articles")
    g.tagged(doc, "{%p endif %}")
    official_colophon(doc, "{{ printer }}")
    return doc


def rules_articles(doc, source: str) -> None:
    """Articles (条) of the rules: 黑体 label on the first 款, then 项 （一） and 目 1."""
    g.tagged(doc, f"{{%p for article in {source} %}}")
    g.tagged(doc, "{%p for clause in article.clauses %}")
    g.labelled(doc, "{{ clause.lead }}", "{{ clause.text }}")
    g.tagged(doc, "{%p for item in clause['items'] %}")
    g.paragraph(doc, "{{ item.label }}{{ item.text }}")
    loop(doc, "{%p for sub in item['items'] %}", ("Normal", "{{ sub.label }}{{ sub.text }}"))
    g.tagged(doc, "{%p endfor %}")
    g.tagged(doc, "{%p endfor %}")
    g.tagged(doc, "{%p endfor %}")


def official_colophon(doc, printer: str) -> None:
    """版记 of a 公文: 抄送 when there is one, 印发机关 and 印发日期."""
    g.colophon(doc, ["{%tr if cc_text %}", "抄送：{{ cc_text }}", "{%tr endif %}"],
               printer, "{{ print_date_text }}印发")


def commendation():
    """表彰决定: the red-header 决定, then the 表彰名单 grouped by honour as its 附件."""
    doc = g.new_document()
    g.red_header(doc, "{{ issuer_mark }}", "{{ number }}")
    g.heading(doc, "{{ title }}", "{{ addressee }}：")
    loop(doc, "{%p for text in background_paragraphs %}", ("Normal", "{{ text }}"))
    g.paragraph(doc, "{{ decision_paragraph }}")
    loop(doc, "{%p for text in expectation_paragraphs %}", ("Normal", "{{ text }}"))
    g.blank(doc)
    g.paragraph(doc, "{{ attachment_note }}")
    g.signature(doc, "{{ signatory }}", "{{ date_text }}")
    g.attachment_page(doc, "附件", "{{ attachment_title }}")
    g.blank(doc)
    g.tagged(doc, "{%p for honour in honours %}")
    g.paragraph(doc, "{{ honour.heading }}", "Heading 1")
    loop(doc, "{%p for honouree in honour.honourees %}", ("Normal", "{{ honouree.text }}"))
    g.tagged(doc, "{%p endfor %}")
    official_colophon(doc, "{{ printer }}")
    return doc


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
    loop(doc, "{%p if number %}", ("证书编号", "证书编号：{{ number }}"), end="{%p endif %}")
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


KINDS = {
    "meeting-minutes": ("会议纪要", meeting_minutes),
    "policy": ("规章制度", policy),
    "certificate": ("荣誉证书", certificate),
    "commendation": ("表彰决定", commendation),
}


def main(argv: list[str]) -> None:
    """Write every kind's template to OUT_DIR (default templates/docx)."""
    out = Path(argv[1]) if len(argv) > 1 else OUT_DIR
    out.mkdir(parents=True, exist_ok=True)
    for kind, (title, build) in KINDS.items():
        g.save(build(), out / f"{kind}.docx", title)


if __name__ == "__main__":
    main(sys.argv)
