"""规章制度: rules (办法, 规定, 准则…) issued as the attachment of a 印发通知.

The rules have chapters each holding articles, or articles only. An article (条) is a list of
款; a 款 is text, or {"text", "items"} whose items are 项 （一）; a 项 is text, or
{"text", "items"} whose items are 目 1. (text). 章 and 条 numbers are computed, continuously
across chapters; the 附则 articles (interpretation, effective date, repeals) are generated.

Context keys added to the loaded data (besides profile_context()'s org_* keys):

- number, date_text, print_date_text, cc_text: as in schemas.official.official_context()
- notice_title: 关于印发《中心会议管理办法》的通知
- notice_paragraphs: [str] body of the 通知, starting 现将《…》印发给你们，请遵照执行。
- attachment_note: 附件：中心会议管理办法
- title_quoted: 《中心会议管理办法》; doc_word: 本办法 (本 + the rules' kind, from the title)
- adoption_note: （2026年3月5日中心党总支委员会审议通过） or ""
- has_chapters: bool
- chapters (replaces the input): [{label: 第二章, title, title_spaced: 总　则, heading: 第一章　总　则,
  articles: [article]}], [] when the rules have no chapters; a 附则 chapter is added if needed
- articles (replaces the input): every article in order, including the generated ones:
  {number: 11, label: 第十一条, clauses: [{lead: "第十一条　" on the first 款 else "", text,
  items: [{label: （一）, text, items: [{label: 1., text}]}]}]}
- article_count: int
"""

from __future__ import annotations

import re

from marshmallow import ValidationError, validates_schema

from schemas.fields import BaseSchema, Date, List, LongText, Nested, Text, TextOrNested, meta
from schemas.numbering import Numbering
from schemas.official import (
    OfficialSchema, addressee_field, base_context, cc_field, item_label, labelled, number_field, official_context,
    paragraphs, print_date_field, printer_field, signatory_field, sub_item_label,
)
from schemas.problems import not_before, raise_problems
from schemas.profile import PROFILE
from service.engine.filters import cn_date, cn_join, cn_numeral

ID = "policy"
TITLE = "规章制度"
SUMMARY = "规章制度（办法、规定、准则）及其印发通知，章、条、项、目自动编号"
ORDER = 4  # place in lists (home page, docgen kinds): the most used kinds first
FILENAME = "{notice_title}（{date_text}）"
NUMBERING = Numbering(field="number", date_field="date")

KIND_WORDS = ("实施细则", "细则", "办法", "规定", "准则", "守则", "规则", "规程", "章程", "条例", "制度", "规范")
TYPED_LABELS = {
    "chapter": (re.compile(r"\s*第[一二三四五六七八九十百零〇\d]+章"), "章号由系统自动编排，请不要填写“第…章”"),
    "article": (re.compile(r"\s*第[一二三四五六七八九十百零〇\d]+条"), "条号由系统自动编排，请不要填写“第…条”"),
    "item": (re.compile(r"\s*[（(][一二三四五六七八九十]+[）)]"), "项的序号（一）由系统自动编排，请不要填写"),
    "sub_item": (re.compile(r"\s*(\d+[.．、]|[（(]\d+[）)])"), "目的序号1.由系统自动编排，请不要填写"),
}


def untyped(level: str):
    """A validator rejecting text that starts with a number the document computes itself."""
    pattern, message = TYPED_LABELS[level]

    def check(text: str) -> None:
        """Reject a typed 第…条-style label."""
        if pattern.match(text):
            raise ValidationError(message)

    return check


def no_book_marks(title: str) -> None:
    """The title is typed without 《》, which the documents add."""
    if "《" in title or "》" in title:
        raise ValidationError("标题不用加书名号《》，生成时会自动加上")


class Item(BaseSchema):
    """A 项 with 目 under it."""

    text = LongText(required=True, max_length=1000, validate=untyped("item"), metadata=meta("项", "项的文字"))
    items = List(Text(required=True, max_length=500, multiline=True, validate=untyped("sub_item"), metadata=meta("目", "目的文字")),
                 max_items=30, metadata=meta("目", "可选，编为1. 2. 3."))


class Clause(BaseSchema):
    """A 款 with 项 under it."""

    text = LongText(required=True, max_length=2000, validate=untyped("article"), metadata=meta("款", "款的文字"))
    items = List(TextOrNested(Item, metadata=meta("项", "文字，或带“目”的对象")),
                 max_items=30, metadata=meta("项", "可选，编为（一）（二）"))


def article_field() -> List:
    """An article (条), an entry of a list of articles: a non-empty list of 款, never null."""
    clause = TextOrNested(Clause, metadata=meta("款", "文字，或带“项”的对象"))
    return List(clause, required=True, min_items=1, max_items=20, metadata=meta("条", "一条由一个或几个款组成"))


class Chapter(BaseSchema):
    """A chapter (章) and its articles."""

    title = Text(required=True, max_length=30, validate=untyped("chapter"), metadata=meta("章名", "如：总则、附则"))
    articles = List(article_field(), required=True, min_items=1, max_items=60, metadata=meta("条", "本章的条"))


class Schema(OfficialSchema):
    """Input of 规章制度 and its 印发通知."""

    numbering = NUMBERING

    number = number_field()
    title = Text(required=True, max_length=60, validate=no_book_marks,
                 metadata=meta("制度名称", "不加书名号，如：中心会议管理办法"))
    adopted_on = Date(load_default=None, metadata=meta("审议通过日期", "可选，标题下注明（…审议通过）"))
    adopted_by = Text(load_default=lambda: PROFILE.committee, metadata=meta("审议机构", "默认：本组织委员会"))
    chapters = List(Nested(Chapter), max_items=20, metadata=meta("章", "分章时填写；不分章时留空，改填“条”"))
    articles = List(article_field(), max_items=200, metadata=meta("条", "不分章时填写"))
    interpreter = Text(load_default=lambda: PROFILE.organisation.name,
                       metadata=meta("解释机构", "附则：本办法由谁负责解释，默认：本组织（组织配置）"))
    effective_on = Date(load_default=None, metadata=meta("施行日期", "附则：不填则“自印发之日起施行”"))
    repeals = List(Text(required=True, max_length=200, metadata=meta("废止文件", "如：《中心会议管理规定》（中心党总支〔2023〕5号）")),
                   max_items=20, metadata=meta("同时废止", "可选，附则中写明同时废止的文件"))
    addressee = addressee_field()
    notice_note = LongText(load_default="", max_length=2000, metadata=meta("通知补充内容", "可选，印发通知中的其他要求"))
    date = Date(required=True, metadata=meta("成文日期", "印发通知的日期，如：2026-03-05"))
    signatory = signatory_field()
    cc = cc_field()
    printer = printer_field()
    print_date = print_date_field()

    @validates_schema(skip_on_field_errors=False)
    def _check(self, data: dict, **kwargs) -> None:
        """Chapters or articles (one of them), adoption before issue."""
        raise_problems([
            *structure_problems(data),
            *not_before(data, "date", "adopted_on", "审议通过日期不能晚于成文日期", at="adopted_on"),
        ])


def structure_problems(data: dict) -> list:
    """The rules hold chapters or bare articles, not both and not neither."""
    if "chapters" not in data or "articles" not in data:
        return []
    if data["chapters"] and data["articles"]:
        return [(("articles",), "分章时条文应写在各章内，不能再单独填写“条”")]
    if not data["chapters"] and not data["articles"]:
        return [(("articles",), "请填写条文：分章时填写“章”，不分章时填写“条”")]
    return []


def doc_word(title: str) -> str:
    """本办法, 本规定…: 本 + the last kind word in the title (本制度 when there is none)."""
    found = [(title.rfind(word) + len(word), len(word), word) for word in KIND_WORDS if word in title]
    return "本" + (max(found)[2] if found else "制度")


def closing_articles(data: dict) -> list[list[dict]]:
    """The generated 附则 articles: who interprets the rules; when they apply and what they repeal."""
    word = doc_word(data["title"])
    start = cn_date(data["effective_on"]) if data.get("effective_on") else "印发之日"
    repeals = f"，{cn_join(data['repeals'])}同时废止" if data.get("repeals") else ""
    return [
        [{"text": f"{word}由{data['interpreter']}负责解释。", "items": []}],
        [{"text": f"{word}自{start}起施行{repeals}。", "items": []}],
    ]


def article_context(number: int, clauses: list[dict]) -> dict:
    """An article with its 第…条 label and labelled 项 and 目."""
    label = f"第{cn_numeral(number)}条"
    return {
        "number": number,
        "label": label,
        "clauses": [
            {
                "lead": f"{label}　" if index == 0 else "",
                "text": clause["text"],
                "items": [
                    {"label": item_label(n), "text": item["text"], "items": labelled(item["items"], sub_item_label)}
                    for n, item in enumerate(clause["items"], 1)
                ],
            }
            for index, clause in enumerate(clauses)
        ],
    }


def spaced(title: str) -> str:
    """总　则: two-character chapter titles get a full-width space between the characters."""
    return "　".join(title) if len(title) == 2 else title


def groups(data: dict) -> list[tuple[str, list]]:
    """(chapter title, articles) pairs, 附则 articles placed; a single untitled group without chapters."""
    closing = closing_articles(data)
    if not data["chapters"]:
        return [("", [*data["articles"], *closing])]
    chapters = [(chapter["title"], chapter["articles"]) for chapter in data["chapters"]]
    last_title, last_articles = chapters[-1]
    if re.sub(r"\s", "", last_title) == "附则":
        return [*chapters[:-1], (last_title, [*last_articles, *closing])]
    return [*chapters, ("附则", closing)]


def body(data: dict) -> tuple[list[dict], list[dict]]:
    """The numbered chapters ([] without chapters) and every numbered article."""
    chapters, articles = [], []
    for index, (title, group) in enumerate(groups(data), 1):
        numbered = [article_context(len(articles) + n, clauses) for n, clauses in enumerate(group, 1)]
        articles.extend(numbered)
        label = f"第{cn_numeral(index)}章"
        chapters.append({"label": label, "title": title, "title_spaced": spaced(title),
                         "heading": f"{label}　{spaced(title)}", "articles": numbered})
    return (chapters if data["chapters"] else []), articles


def notice_paragraphs(data: dict) -> list[str]:
    """The 通知's body: the issuing sentence, then any further paragraphs."""
    title = f"《{data['title']}》"
    if data.get("adopted_on"):
        first = f"{title}已经{cn_date(data['adopted_on'])}{data['adopted_by']}审议通过，现印发给你们，请遵照执行。"
    else:
        first = f"现将{title}印发给你们，请遵照执行。"
    return [first, *paragraphs(data.get("notice_note", ""))]


def context(data: dict) -> dict:
    """The template context: the data plus the derived values listed in the module docstring."""
    chapters, articles = body(data)
    adopted = data.get("adopted_on")
    return {
        **base_context(data),
        **official_context(data),
        "notice_title": f"关于印发《{data['title']}》的通知",
        "notice_paragraphs": notice_paragraphs(data),
        "attachment_note": f"附件：{data['title']}",
        "title_quoted": f"《{data['title']}》",
        "doc_word": doc_word(data["title"]),
        "adoption_note": f"（{cn_date(adopted)}{data['adopted_by']}审议通过）" if adopted else "",
        "has_chapters": bool(chapters),
        "chapters": chapters,
        "articles": articles,
        "article_count": len(articles),
    }


def warnings(data: dict) -> list[dict]:
    """Practice checks: 第一条 states purpose and basis; the rules do not apply retroactively."""
    found = []
    first_path = "chapters[0].articles[0][0]" if data["chapters"] else "articles[0][0]"
    first = (data["chapters"][0]["articles"] if data["chapters"] else data["articles"])[0][0]["text"]
    if not first.startswith("为"):
        found.append({"path": first_path, "message": "第一条一般写明制定目的和依据，如“为了……，根据……，制定本办法。”"})
    if data.get("effective_on") and data["effective_on"] < data["date"]:
        found.append({"path": "effective_on", "message": "施行日期早于成文日期，规章制度一般不溯及既往"})
    return found
