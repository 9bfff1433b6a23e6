"""Build the Word templates of the document kinds: python templates/build.py [OUT_DIR]."""

from __future__ import annotations

import sys
from pathlib import Path

from docx.shared import Twips

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


MANUAL_STYLES = (
    g.Style("封面标题", g.XIAOBIAOSONG, 26, g.BLACK, "center", g.NO_INDENT, line=960, grid=False),
    g.Style("封面落款", g.KAITI, g.BODY_PT, g.BLACK, "center", g.NO_INDENT),
    g.Style("目录条目", indent=g.NO_INDENT),
)
CHAPTERS = (
    "一、支部基本情况",
    "二、党员名册",
    "三、支部主要职责",
    "四、临时党支部不承担的事项",
    "五、“三会一课”安排",
    "六、保密、外事纪律和安全要求",
    "七、请示报告和联系方式",
    "附件1　临时党支部活动签到表",
    "附件2　临时党支部活动记录表",
)
LABEL_WIDTH = 2400


def branch_manual():
    """驻外临时党支部工作手册: cover, contents, chapters, roster and schedule tables, forms."""
    doc = g.new_document()
    for spec in MANUAL_STYLES:
        g.define_style(doc, spec)
    unnumbered_cover(doc.sections[0])
    manual_cover(doc)
    contents(doc)
    chapter(doc, 0, page_break=True)
    branch_facts(doc)
    chapter(doc, 1)
    roster = g.add_table(doc, [900, 1300, 2700, 1600, 2344], [
        ["序号", "姓名", "原所在党支部", "支部职务", "联系电话"],
        ["{%tr for member in members %}"],
        ["{{ member.no }}", "{{ member.name }}", "{{ member.home_branch }}", "{{ member.role }}",
         "{{ member.phone }}"],
        ["{%tr endfor %}"],
    ])
    repeat_header(roster)
    g.blank(doc)
    chapter(doc, 2)
    loop(doc, "{%p for item in duty_items %}", ("Normal", "{{ item.label }}{{ item.text }}"))
    chapter(doc, 3)
    g.paragraph(doc, "按照《中国共产党支部工作条例（试行）》第八条规定，{{ exclusions_text }}")
    chapter(doc, 4)
    schedule = g.add_table(doc, [1900, 2000, 4944], [
        ["活动", "频次", "主要内容"],
        ["{%tr for meeting in schedule %}"],
        ["{{ meeting.activity }}", "{{ meeting.frequency }}", "{{ meeting.content }}"],
        ["{%tr endfor %}"],
    ], ["表格文字", "表格文字", "表格居左"])
    repeat_header(schedule)
    g.blank(doc)
    chapter(doc, 5)
    loop(doc, "{%p for item in discipline_items %}", ("Normal", "{{ item.label }}{{ item.text }}"))
    chapter(doc, 6)
    loop(doc, "{%p for item in reporting_items %}", ("Normal", "{{ item.label }}{{ item.text }}"))
    g.paragraph(doc, "联系方式：")
    contacts_table = g.add_table(doc, [3400, 3000, 2444], [
        ["姓名（单位）", "职务", "联系电话"],
        ["{%tr for contact in contacts %}"],
        ["{{ contact.name }}", "{{ contact.role }}", "{{ contact.phone }}"],
        ["{%tr endfor %}"],
    ])
    repeat_header(contacts_table)
    sign_in_form(doc)
    activity_record_form(doc)
    return doc


def unnumbered_cover(section) -> None:
    """The cover counts as page 1 (a right-hand page) but shows no number."""
    section.different_first_page_header_footer = True
    section.first_page_footer.is_linked_to_previous = False


def manual_cover(doc) -> None:
    """Cover: title, the branch's facts in a ruled form, issuing organisation and date."""
    g.blank(doc, 3)
    g.paragraph(doc, "{{ manual_title }}", "封面标题")
    g.blank(doc, 4)
    rows = [["支部名称", "{{ branch }}"], ["所属项目", "{{ project }}"],
            ["驻在国家", "{{ country }}"], ["项目驻地", "{{ site }}"],
            ["批准机关", "{{ approving_org }}"], ["成立时间", "{{ established_text }}"]]
    table = g.add_table(doc, [1800, 5400], rows, ["表格文字", "表格居左"], grid=False)
    g.set_borders(table, insideH=4, bottom=4)
    g.blank(doc, 4)
    g.paragraph(doc, "{{ org_name }}", "封面落款")
    g.paragraph(doc, "{{ date_text }}", "封面落款")


def contents(doc) -> None:
    """目录 on its own page: the fixed chapter list, page numbers as PAGEREF fields."""
    title = g.paragraph(doc, "目　录", "Title")
    title.paragraph_format.page_break_before = True
    g.blank(doc)
    for number, text in enumerate(CHAPTERS):
        para = g.paragraph(doc, text, "目录条目")
        g.tab_stop(para, "right", g.TEXT_WIDTH, leader="middleDot")
        para.add_run().add_tab()
        g.field(para, f"PAGEREF chapter{number} \\h", "")


def chapter(doc, number: int, page_break: bool = False) -> None:
    """A chapter heading, bookmarked for the contents page."""
    para = g.paragraph(doc, CHAPTERS[number], "Heading 1")
    para.paragraph_format.page_break_before = page_break
    g.bookmark(para, f"chapter{number}", number)


def branch_facts(doc) -> None:
    """Chapter 1: the approval, people and dates of the branch in a two-column table."""
    g.add_table(doc, [LABEL_WIDTH, g.TEXT_WIDTH - LABEL_WIDTH], [
        ["支部全称", "{{ branch_full_name }}"],
        ["所属项目", "{{ project }}"],
        ["驻在国家和地点", "{{ country }}　{{ site }}"],
        ["批准机关", "{{ approving_org }}"],
        ["批准文号", "{{ approval_number }}"],
        ["成立时间", "{{ established_text }}"],
        ["项目周期", "{{ project_period_text }}"],
        ["支部书记", "{{ secretary }}　{{ secretary_phone }}"],
        ["{%tr if committee_text %}"],
        ["支部委员", "{{ committee_text }}"],
        ["{%tr endif %}"],
        ["党员人数", "{{ member_count }}名（正式党员{{ full_member_count }}名，预备党员{{ probationary_count }}名）"],
    ], ["表格文字", "表格居左"])
    g.blank(doc)


def repeat_header(table) -> None:
    """Repeat the table's first row at the top of every page it runs onto."""
    table.rows[0]._tr.get_or_add_trPr().append(g.element("w:tblHeader"))


def form_page(doc, number: int) -> None:
    """A form in the appendix: 附件N label, then its title, on a new page."""
    label, title = CHAPTERS[number].split("　")
    g.bookmark(g.attachment_page(doc, label, title), f"chapter{number}", number)
    g.blank(doc)


def sign_in_form(doc) -> None:
    """附件1: an empty sign-in sheet."""
    form_page(doc, 7)
    g.paragraph(doc, "活动名称：", "主送")
    g.paragraph(doc, "活动时间：　　　　　　　　　　　活动地点：", "主送")
    rows = [["序号", "姓名", "原所在党支部", "本人签名", "备注"]] + [[str(n)] for n in range(1, 13)]
    table = g.add_table(doc, [900, 1500, 2844, 2000, 1600], rows)
    repeat_header(table)
    for row in table.rows:
        row.height = Twips(g.LINE_PITCH)


def activity_record_form(doc) -> None:
    """附件2: an empty activity record."""
    form_page(doc, 8)
    labels = ["活动名称", "活动时间", "活动地点", "主持人", "记录人", "应到人数", "实到人数",
              "缺席人员及原因", "活动内容", "发言要点", "书记签字"]
    table = g.add_table(doc, [LABEL_WIDTH, g.TEXT_WIDTH - LABEL_WIDTH], [[label] for label in labels])
    for label, row in zip(labels, table.rows):
        row.height = Twips(2400 if label in ("活动内容", "发言要点") else g.LINE_PITCH)


KINDS = {
    "branch-manual": ("驻外临时党支部工作手册", branch_manual),
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
