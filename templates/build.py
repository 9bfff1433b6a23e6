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


KINDS = {
    "meeting-minutes": ("会议纪要", meeting_minutes),
}


def main(argv: list[str]) -> None:
    """Write every kind's template to OUT_DIR (default templates/docx)."""
    out = Path(argv[1]) if len(argv) > 1 else OUT_DIR
    out.mkdir(parents=True, exist_ok=True)
    for kind, (title, build) in KINDS.items():
        g.save(build(), out / f"{kind}.docx", title)


if __name__ == "__main__":
    main(sys.argv)
