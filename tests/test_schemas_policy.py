"""规章制度 schema: numbering of chapters, articles, 项 and 目; the 印发通知; structural errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schemas import policy
from schemas.validation import validate

EXAMPLE = json.loads((Path(__file__).resolve().parents[1] / "examples/policy.json").read_text(encoding="utf-8"))
PURPOSE = "为了规范员工行为，根据中心有关规定，制定本准则。"


def problems(payload) -> dict[str, str]:
    """The errors of validating ``payload``, as {path: message}."""
    data, errors = validate(policy.Schema, payload)
    assert data is None
    return {error["path"]: error["message"] for error in errors}


def loaded(**changes) -> dict:
    """The example with ``changes``, validated."""
    data, errors = validate(policy.Schema, {**EXAMPLE, **changes})
    assert errors == []
    return data


def flat(count: int, **changes) -> dict:
    """Rules without chapters holding ``count`` one-paragraph articles."""
    articles = [[PURPOSE]] + [[f"员工应当遵守的第{n}项要求。"] for n in range(2, count + 1)]
    return loaded(chapters=[], articles=articles, title="员工行为准则", adopted_on=None, **changes)


def chapter(article: list) -> dict:
    """Changes giving the rules one chapter holding ``article``."""
    return {"chapters": [{"title": "总则", "articles": [article]}]}


def test_example_articles_are_numbered_continuously_across_chapters():
    """Chapters and articles are numbered, articles continuously across chapters."""
    context = policy.context(loaded())
    assert [chapter["heading"] for chapter in context["chapters"]] == [
        "第一章　总　则", "第二章　会议类型", "第三章　会议准备", "第四章　会议纪律", "第五章　会议纪要与督办", "第六章　附　则",
    ]
    labels = [article["label"] for article in context["articles"]]
    assert labels[:3] == ["第一条", "第二条", "第三条"] and labels[10] == "第十一条" and labels[-1] == "第十五条"
    assert context["chapters"][1]["articles"][0]["label"] == "第四条"
    assert context["article_count"] == 15 and context["has_chapters"] is True


def test_example_clauses_items_and_sub_items_are_labelled():
    """款 get the article label on the first one; 项 get （一）, 目 get 1."""
    articles = policy.context(loaded())["articles"]
    third = articles[2]["clauses"][0]
    assert third["lead"] == "第三条　" and third["text"] == "会议管理坚持以下原则："
    assert [item["label"] for item in third["items"]] == ["（一）", "（二）", "（三）"]
    seventh = articles[6]["clauses"][0]["items"][0]
    assert [sub["label"] for sub in seventh["items"]] == ["1.", "2.", "3."]
    second_clause = articles[4]["clauses"][1]
    assert second_clause["lead"] == "" and second_clause["text"].startswith("党总支委员会会议须有半数以上委员到会")


def test_example_closing_articles_are_generated_in_the_supplementary_chapter():
    """Interpretation and effect articles are appended to the 附则 chapter."""
    articles = policy.context(loaded())["chapters"][-1]["articles"]
    assert [a["clauses"][0]["text"] for a in articles[1:]] == [
        "本办法由中心党总支负责解释。",
        "本办法自印发之日起施行，《中心会议管理规定》（中心党总支〔2023〕5号）同时废止。",
    ]


def test_example_notice():
    """The 印发通知's title, body, notes and 版记 values are derived."""
    context = policy.context(loaded())
    assert context["notice_title"] == "关于印发《中心会议管理办法》的通知"
    assert context["notice_paragraphs"] == ["《中心会议管理办法》已经2026年3月12日中心党总支委员会审议通过，现印发给你们，请遵照执行。"]
    assert context["adoption_note"] == "（2026年3月12日中心党总支委员会审议通过）"
    assert context["attachment_note"] == "附件：中心会议管理办法"
    assert context["date_text"] == "2026年3月16日" and context["print_date_text"] == "2026年3月16日"
    assert context["cc_text"] == "上级党委组织部，上级党委办公室。"
    assert context["issuer_mark"] == "中共航宇体系工程中心总支部委员会文件"
    assert context["number"] == "中心党总支〔2026〕5号"


def test_notice_without_adoption_uses_the_plain_sentence_and_extra_paragraphs():
    """Without adoption the 通知 says 现将…印发给你们, followed by extra paragraphs."""
    context = policy.context(loaded(adopted_on=None, notice_note="请各党支部组织学习。\n\n执行中的问题及时反馈。"))
    assert context["notice_paragraphs"] == [
        "现将《中心会议管理办法》印发给你们，请遵照执行。", "请各党支部组织学习。", "执行中的问题及时反馈。",
    ]
    assert context["adoption_note"] == ""


def test_rules_without_chapters_reach_the_hundred_and_first_article():
    """Rules without chapters number 101 articles and more."""
    context = policy.context(flat(101, effective_on="2026-04-01"))
    labels = [article["label"] for article in context["articles"]]
    assert labels[9:11] == ["第十条", "第十一条"] and labels[19] == "第二十条" and labels[100] == "第一百零一条"
    assert labels[-2:] == ["第一百零二条", "第一百零三条"]
    assert context["articles"][-1]["clauses"][0]["text"] == "本准则自2026年4月1日起施行，《中心会议管理规定》（中心党总支〔2023〕5号）同时废止。"
    assert context["chapters"] == [] and context["has_chapters"] is False
    assert context["doc_word"] == "本准则"


def test_chapters_without_a_supplementary_chapter_get_one():
    """Rules whose last chapter is not 附则 get a generated 附则 chapter."""
    chapters = [{"title": "总则", "articles": [[PURPOSE]]}, {"title": "行为规范", "articles": [["廉洁自律。"]]}]
    context = policy.context(loaded(chapters=chapters, repeals=[]))
    assert [chapter["heading"] for chapter in context["chapters"]] == ["第一章　总　则", "第二章　行为规范", "第三章　附　则"]
    assert [a["label"] for a in context["chapters"][2]["articles"]] == ["第三条", "第四条"]
    assert context["chapters"][2]["articles"][1]["clauses"][0]["text"] == "本办法自印发之日起施行。"


@pytest.mark.parametrize(
    ("title", "word"),
    [("中心会议管理办法", "本办法"), ("员工行为准则“十一条”", "本准则"), ("试验室管理规定", "本规定"),
     ("保密安全管理实施细则", "本实施细则"), ("重大调研接待活动管理制度", "本制度"), ("预先研究工作要求", "本制度")],
)
def test_doc_word_follows_the_title(title, word):
    """本办法, 本准则… follow the kind word in the title."""
    assert policy.doc_word(title) == word


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        ({"chapters": [], "articles": []}, "articles", "请填写条文：分章时填写“章”，不分章时填写“条”"),
        ({"articles": [[PURPOSE]]}, "articles", "分章时条文应写在各章内，不能再单独填写“条”"),
        ({"chapters": [{"title": "总则", "articles": []}]}, "chapters[0].articles", "不能为空，至少填写1项"),
        ({"chapters": [{"title": "总则", "articles": [[]]}]}, "chapters[0].articles[0]", "不能为空，至少填写1项"),
        ({"chapters": [{"title": "总则", "articles": [None]}]}, "chapters[0].articles[0]", "不能为空值（null）"),
        ({"chapters": [{"title": "总则", "articles": [""]}]}, "chapters[0].articles[0]", "应为列表（[…]）"),
        ({"chapters": [{"articles": [[PURPOSE]]}]}, "chapters[0].title", "此项必填"),
        ({"chapters": [{"title": "第一章 总则", "articles": [[PURPOSE]]}]}, "chapters[0].title",
         "章号由系统自动编排，请不要填写“第…章”"),
        (chapter(["第一条 " + PURPOSE]), "chapters[0].articles[0][0]", "条号由系统自动编排，请不要填写“第…条”"),
        (chapter([{"text": "第一条　原则："}]), "chapters[0].articles[0][0].text", "条号由系统自动编排，请不要填写“第…条”"),
        (chapter([{"text": "原则：", "items": ["（一）精简"]}]), "chapters[0].articles[0][0].items[0]",
         "项的序号（一）由系统自动编排，请不要填写"),
        (chapter([{"text": "原则：", "items": [{"text": "精简", "items": ["1.少开会"]}]}]),
         "chapters[0].articles[0][0].items[0].items[0]", "目的序号1.由系统自动编排，请不要填写"),
        (chapter([5]), "chapters[0].articles[0][0]", "应为文字，或带text的对象"),
        (chapter([{"items": ["精简"]}]), "chapters[0].articles[0][0].text", "此项必填"),
        (chapter([{"text": "原则", "note": "x"}]), "chapters[0].articles[0][0].note", "本文书没有这一项（未知字段）"),
        (chapter(["字" * 2001]), "chapters[0].articles[0][0]", "不能超过2000个字符（现有2001个）"),
        ({"title": "《中心会议管理办法》"}, "title", "标题不用加书名号《》，生成时会自动加上"),
        ({"adopted_on": "2026-03-20"}, "adopted_on", "审议通过日期不能晚于成文日期"),
        ({"print_date": "2026-03-15"}, "print_date", "印发日期不能早于成文日期"),
        ({"date": "2026-13-01"}, "date", "没有这个日期或时间：2026-13-01"),
        ({"number": "中心党总支〔2026〕05号"}, "number", "发文字号序号不编虚位，不加前导0（写“3号”，不写“03号”），如“中心党总支〔2026〕3号”"),
        ({"cc": ["上级党委组织部", "\x0c部"]}, "cc[1]", "含有Word文档无法保存的控制字符 U+000C（第1个字符），请删除后重试"),
    ],
)
def test_invalid_policies(changes, path, message):
    """Each mistake in a policy gives one Chinese error at its path."""
    assert problems({**EXAMPLE, **changes}) == {path: message}


def test_warnings_for_a_first_article_without_purpose_and_retroactive_effect():
    """A first article without its purpose, or a retroactive effective date, warns."""
    data = flat(3, effective_on="2026-01-01")
    data["articles"][0][0]["text"] = "员工应当遵守本准则。"
    assert policy.warnings(data) == [
        {"path": "articles[0][0]", "message": "第一条一般写明制定目的和依据，如“为了……，根据……，制定本办法。”"},
        {"path": "effective_on", "message": "施行日期早于成文日期，规章制度一般不溯及既往"},
    ]
