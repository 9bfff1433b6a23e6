"""驻外临时党支部工作手册: a booklet with cover, contents, chapters, tables and forms."""

from __future__ import annotations

from docx.shared import Twips

from . import gbt9704 as g


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
ROSTER_CELL_MARGIN = 40  # 0.7 mm: six columns of 4号 fit 原所在党支部 and 党员类别 on one line


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
    roster = g.loop_table(doc, [650, 1150, 2350, 1250, 1250, 2194],
                          ["序号", "姓名", "原所在党支部", "支部职务", "党员类别", "联系电话"],
                          "member in members", ["{{ member.no }}", "{{ member.name }}", "{{ member.home_branch }}",
                                                "{{ member.role }}", "{{ member.status }}", "{{ member.phone }}"])
    g.cell_margins(roster, ROSTER_CELL_MARGIN)
    g.blank(doc)
    chapter(doc, 2)
    numbered_items(doc, "duty_items")
    chapter(doc, 3)
    g.paragraph(doc, "按照《中国共产党支部工作条例（试行）》第八条规定，{{ exclusions_text }}")
    chapter(doc, 4)
    g.loop_table(doc, [1900, 2000, 4944], ["活动", "频次", "主要内容"], "meeting in schedule",
                 ["{{ meeting.activity }}", "{{ meeting.frequency }}", "{{ meeting.content }}"],
                 ["表格文字", "表格文字", "表格居左"])
    g.blank(doc)
    chapter(doc, 5)
    numbered_items(doc, "discipline_items")
    chapter(doc, 6)
    numbered_items(doc, "reporting_items")
    g.paragraph(doc, "联系方式：").paragraph_format.keep_with_next = True
    g.loop_table(doc, [3400, 3000, 2444], ["姓名（单位）", "职务", "联系电话"], "contact in contacts",
                 ["{{ contact.name }}", "{{ contact.role }}", "{{ contact.phone }}"])
    sign_in_form(doc)
    activity_record_form(doc)
    return doc


def numbered_items(doc, source: str) -> None:
    """One body paragraph per {label: （一）, text} entry of a context list."""
    g.block(doc, f"{{%p for item in {source} %}}", ("Normal", "{{ item.label }}{{ item.text }}"))


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
    """目录 on its own page: the fixed chapter list, page numbers as PAGEREF fields.

    Word fills the fields when the document opens (w:updateFields); LibreOffice computes them.
    """
    doc.settings.element.insert_element_before(
        g.element("w:updateFields", val="true"), "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat")
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
        ["支部书记", "{{ secretary }}（联系电话：{{ secretary_phone }}）"],
        ["{%tr if committee_text %}"],
        ["支部委员", "{{ committee_text }}"],
        ["{%tr endif %}"],
        ["党员人数", "{{ member_count }}名（正式党员{{ full_member_count }}名，预备党员{{ probationary_count }}名）"],
    ], ["表格文字", "表格居左"])
    g.blank(doc)


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
    g.repeat_header(table)
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
