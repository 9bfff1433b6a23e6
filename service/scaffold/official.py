"""The 公文 kinds: 会议纪要, 规章制度 with its 印发通知, 表彰决定."""

from __future__ import annotations

from . import gbt9704 as g


def meeting_minutes():
    """会议纪要: red heading, opening, topics, discussion, decisions, attendance, 分送."""
    doc = g.new_document()
    g.paragraph(doc, "{{ heading }}", "纪要标志")
    g.block(doc, "{%p if number %}", ("发文字号", "{{ number }}"), end="{%p endif %}")
    g.dated_rule(doc, "{{ organisation }}", "{{ date_text }}")
    g.heading(doc, "{{ document_title|title_lines(organisation) }}")
    g.paragraph(doc, "{{ opening }}")
    # Parts numbered 一、 and their items （一）, the order of GB/T 9704's heading levels.
    g.paragraph(doc, "一、会议议题", "Heading 1")
    g.block(doc, "{%p for topic in topic_items %}", ("Normal", "{{ topic.label }}{{ topic.text }}"))
    g.block(doc, "{%p if discussion_paragraphs %}", ("Heading 1", "二、会议主要精神"), end="{%p endif %}")
    g.block(doc, "{%p for text in discussion_paragraphs %}", ("Normal", "{{ text }}"))
    g.paragraph(doc, "{{ '三' if discussion_paragraphs else '二' }}、会议议定事项", "Heading 1")
    g.tagged(doc, "{%p for decision in decisions %}")
    g.labelled(doc, "（{{ loop.index|cn_numeral }}）", "{{ decision.content }}（责任人：{{ decision.owner }}；"
                "完成时限：{{ decision.deadline_text }}）", label_style="二级标签")
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
    g.heading(doc, "{{ notice_title|title_lines(signatory) }}", "{{ addressee }}：")
    g.block(doc, "{%p for text in notice_paragraphs %}", ("Normal", "{{ text }}"))
    g.blank(doc)
    g.paragraph(doc, "{{ attachment_note }}")
    g.signature(doc, "{{ signatory }}", "{{ date_text }}")
    g.attachment_page(doc, "附件", "{{ title|title_lines }}")
    g.block(doc, "{%p if adoption_note %}", ("题注", "{{ adoption_note }}"), end="{%p endif %}")
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
    g.block(doc, "{%p for sub in item['items'] %}", ("Normal", "{{ sub.label }}{{ sub.text }}"))
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
    g.heading(doc, "{{ title|title_lines(signatory, honours|map(attribute='honour')) }}", "{{ addressee }}：")
    g.block(doc, "{%p for text in background_paragraphs %}", ("Normal", "{{ text }}"))
    g.paragraph(doc, "{{ decision_paragraph }}")
    g.block(doc, "{%p for text in expectation_paragraphs %}", ("Normal", "{{ text }}"))
    g.blank(doc)
    g.paragraph(doc, "{{ attachment_note }}")
    g.signature(doc, "{{ signatory }}", "{{ date_text }}")
    g.attachment_page(doc, "附件", "{{ attachment_title }}")
    g.blank(doc)
    g.tagged(doc, "{%p for honour in honours %}")
    g.paragraph(doc, "{{ honour.heading }}", "Heading 1")
    g.block(doc, "{%p for honouree in honour.honourees %}", ("Normal", "{{ honouree.text }}"))
    g.tagged(doc, "{%p endfor %}")
    official_colophon(doc, "{{ printer }}")
    return doc
