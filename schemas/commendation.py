"""表彰决定: a 决定 awarding honours to people and teams, with the 表彰名单 as its attachment.

Context keys added to the loaded data (besides profile_context()'s org_* keys):

- number, date_text, print_date_text, cc_text: as in schemas.official.official_context()
- subject: 关于表彰2026年上半年月度之星、先进团队和优秀共产党员的决定 (the input's, or derived)
- title: the 发文机关 full name + subject
- background_paragraphs / expectation_paragraphs: [str], one per line of the input
- decision_intro: 经中心党总支委员会研究，决定：
- decision_text: 授予王喆等3名同志“月度之星”称号；授予仿真评估团队“先进团队”称号。
- decision_paragraph: decision_intro + decision_text, as one paragraph
- honours (replaces the input): [{honour, honour_quoted: “月度之星”, is_team, label: 一、,
  count: 3, count_text: 3名 / 2个, heading: 一、月度之星（3名）, names_text: 王喆（体系论证处）、…,
  honourees: [{name, unit, text: 王喆（体系论证处）}]}]
- person_count / team_count: ints over all honours
- attachment_title: 表彰名单; attachment_note: 附件：表彰名单
"""

from __future__ import annotations

from marshmallow import ValidationError, validates_schema

from schemas.fields import BaseSchema, Choice, Date, List, LongText, Nested, Text, meta
from schemas.numbering import Numbering
from schemas.official import (
    OfficialSchema, addressee_field, base_context, cc_field, decision_label, number_field, official_context,
    paragraphs, print_date_field, printer_field, signatory_field,
)
from schemas.problems import duplicate_names, raise_problems
from schemas.profile import PROFILE
from service.engine.filters import cn_join

ID = "commendation"
TITLE = "表彰决定"
SUMMARY = "年中、年末奖先评优的表彰决定，附表彰名单，授予称号的文字自动生成"
ORDER = 3  # place in lists (home page, docgen kinds): the most used kinds first
FILENAME = "{subject}（{date_text}）"
NUMBERING = Numbering(field="number", date_field="date")


def subject_shape(subject: str) -> None:
    """A subject reads 关于……的决定."""
    if not (subject.startswith("关于") and subject.endswith("的决定")):
        raise ValidationError("标题应为“关于……的决定”")


class Honouree(BaseSchema):
    """A person or team receiving an honour."""

    name = Text(required=True, max_length=40, metadata=meta("姓名或团队名称", "如：王喆、仿真评估团队"))
    unit = Text(load_default="", max_length=50, metadata=meta("所在单位", "可选，如：体系论证处"))


class HonourGroup(BaseSchema):
    """One honour and everybody receiving it."""

    honour = Choice(lambda: [honour.name for honour in PROFILE.honours], required=True,
                    metadata=meta("荣誉称号", "组织配置中的荣誉称号"))
    honourees = List(Nested(Honouree), required=True, min_items=1, max_items=200,
                     metadata=meta("获奖名单", "获得该称号的个人或团队"))

    @validates_schema(skip_on_field_errors=False)
    def _check(self, data: dict, **kwargs) -> None:
        """Nobody is listed twice for the same honour."""
        raise_problems(duplicate_names(data, "honourees"))


class Schema(OfficialSchema):
    """Input of 表彰决定."""

    numbering = NUMBERING

    number = number_field()
    period = Text(required=True, max_length=20, metadata=meta("评选期间", "如：2026年上半年、2025年度"))
    subject = Text(load_default="", max_length=80, validate=subject_shape,
                   metadata=meta("标题", "可选，“关于……的决定”；不填则按评选期间和荣誉称号生成"))
    addressee = addressee_field()
    background = LongText(required=True, max_length=3000,
                          metadata=meta("表彰缘由", "背景和先进事迹概述，每段一行"))
    decided_by = Text(load_default=lambda: PROFILE.committee, metadata=meta("决定机构", "默认：本组织委员会"))
    honours = List(Nested(HonourGroup), required=True, min_items=1, max_items=20,
                   metadata=meta("表彰名单", "按荣誉称号分组"))
    expectations = LongText(required=True, max_length=3000,
                            metadata=meta("希望和号召", "对受表彰者和全体党员的希望，每段一行"))
    date = Date(required=True, metadata=meta("成文日期", "如：2026-07-10"))
    signatory = signatory_field()
    cc = cc_field()
    printer = printer_field()
    print_date = print_date_field()

    @validates_schema(skip_on_field_errors=False)
    def _check(self, data: dict, **kwargs) -> None:
        """Each honour appears once."""
        raise_problems(duplicate_names(data, "honours", "honour"))


def derived_subject(data: dict) -> str:
    """关于表彰2026年上半年月度之星、先进团队和优秀共产党员的决定."""
    titles = [group["honour"] for group in data["honours"]]
    listed = titles[0] if len(titles) == 1 else f"{cn_join(titles[:-1])}和{titles[-1]}"
    return f"关于表彰{data['period']}{listed}的决定"


def grant(group: dict) -> str:
    """授予王喆等3名同志“月度之星”称号 / 授予仿真评估团队“先进团队”称号."""
    team = PROFILE.honour(group["honour"]).team
    first, count = group["honourees"][0]["name"], len(group["honourees"])
    who = f"{first}{'' if team else '同志'}" if count == 1 else f"{first}等{count}{'个集体' if team else '名同志'}"
    return f"授予{who}“{group['honour']}”称号"


def group_context(n: int, group: dict) -> dict:
    """An honour group with its label, counts and name list."""
    team = PROFILE.honour(group["honour"]).team
    count = len(group["honourees"])
    count_text = f"{count}{'个' if team else '名'}"
    people = [{**person, "text": f"{person['name']}（{person['unit']}）" if person["unit"] else person["name"]}
              for person in group["honourees"]]
    return {
        "honour": group["honour"],
        "honour_quoted": f"“{group['honour']}”",
        "is_team": team,
        "label": decision_label(n),
        "count": count,
        "count_text": count_text,
        "heading": f"{decision_label(n)}{group['honour']}（{count_text}）",
        "names_text": cn_join(person["text"] for person in people),
        "honourees": people,
    }


def context(data: dict) -> dict:
    """The template context: the data plus the derived values listed in the module docstring."""
    subject = data.get("subject") or derived_subject(data)
    honours = [group_context(n, group) for n, group in enumerate(data["honours"], 1)]
    decision = "；".join(grant(group) for group in data["honours"]) + "。"
    intro = f"经{data['decided_by']}研究，决定："
    return {
        **base_context(data),
        **official_context(data),
        "subject": subject,
        "title": f"{data['signatory']}{subject}",
        "background_paragraphs": paragraphs(data["background"]),
        "expectation_paragraphs": paragraphs(data["expectations"]),
        "decision_intro": intro,
        "decision_text": decision,
        "decision_paragraph": intro + decision,
        "honours": honours,
        "person_count": sum(group["count"] for group in honours if not group["is_team"]),
        "team_count": sum(group["count"] for group in honours if group["is_team"]),
        "attachment_title": "表彰名单",
        "attachment_note": "附件：表彰名单",
    }


def warnings(data: dict) -> list[dict]:
    """表彰决定 has no non-blocking checks."""
    return []
