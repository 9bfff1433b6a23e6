"""荣誉证书: a certificate for a person or a team (月度之星, 先进团队, 优秀共产党员…).

Context keys added to the loaded data (besides profile_context()'s org_* keys):

- heading: 荣誉证书
- number: the certificate number, e.g. 中心党总支证〔2026〕12号 ("" while none is allocated)
- is_team: bool, from the honour's kind in the profile
- salutation: 王喆同志： for a person, 仿真评估团队： for a team
- honour_quoted: “月度之星”
- citation: the deed and the honour, e.g. 在……中表现突出，被评为2026年2月“月度之星”。
- closing: 特发此证，以资鼓励。
- issuer_full_name: full name of the issuing organisation, printed above the seal
- date_text: 2026年3月5日
"""

from __future__ import annotations

from marshmallow import ValidationError

from schemas.fields import BaseSchema, Choice, Date, LongText, Text, meta
from schemas.numbering import Numbering
from schemas.official import base_context, number_field
from schemas.profile import PROFILE
from service.engine.filters import cn_date

ID = "certificate"
TITLE = "荣誉证书"
SUMMARY = "{honours}等荣誉证书，可按Excel名单批量生成"  # {honours}: the first three of the profile in use
ORDER = 2  # place in lists (home page, docgen kinds): the most used kinds first
FILENAME = "荣誉证书-{recipient}-{honour}-{period}"
NUMBERING = Numbering(field="number", date_field="date", unit_field="issuer", suffix="证")

DEED_FITS = 120


def bare_name(recipient: str) -> None:
    """The recipient is written without 同志, which the salutation adds."""
    if recipient.rstrip().endswith("同志"):
        raise ValidationError("只填姓名，“同志”二字会自动加上")


class Schema(BaseSchema):
    """Input of 荣誉证书."""

    numbering = NUMBERING

    number = number_field("证书编号", "证")
    recipient = Text(required=True, max_length=40, validate=bare_name,
                     metadata=meta("获奖者", "个人姓名或团队名称，如：王喆、仿真评估团队"))
    unit = Text(load_default="", max_length=50, metadata=meta("所在单位", "可选，如：总体设计处"))
    honour = Choice(lambda: [honour.name for honour in PROFILE.honours], required=True,
                    metadata=meta("荣誉称号", "组织配置中的荣誉称号"))
    period = Text(required=True, max_length=20, metadata=meta("评选期间", "如：2026年2月、2026年上半年、2025年度"))
    deed = LongText(required=True, max_length=300,
                    metadata=meta("事迹", "一句话事迹，不写结尾句号，如：在××卫星地面站联调任务中攻坚克难、表现突出"))
    issuer = Choice(lambda: [unit.name for unit in PROFILE.units], load_default=lambda: PROFILE.organisation.name,
                    metadata=meta("颁发单位", "默认：本组织（组织配置）"))
    date = Date(required=True, metadata=meta("颁发日期", "如：2026-03-05"))


def citation(data: dict) -> str:
    """The deed followed by the honour: ……，被评为2026年2月“月度之星”。"""
    deed = data["deed"].rstrip().rstrip("。，；,;.")
    return f"{deed}，被评为{data['period']}“{data['honour']}”。"


def context(data: dict) -> dict:
    """The template context: the data plus the derived values listed in the module docstring."""
    team = PROFILE.honour(data["honour"]).team
    return {
        **base_context(data),
        "heading": "荣誉证书",
        "number": data.get("number") or "",
        "is_team": team,
        "salutation": f"{data['recipient']}{'' if team else '同志'}：",
        "honour_quoted": f"“{data['honour']}”",
        "citation": citation(data),
        "closing": "特发此证，以资鼓励。",
        "issuer_full_name": PROFILE.unit(data["issuer"]).full_name,
        "date_text": cn_date(data["date"]),
    }


def warnings(data: dict) -> list[dict]:
    """A long deed is set in smaller type (the template shrinks it to keep the certificate on one page)."""
    if len(data["deed"]) > DEED_FITS:
        return [{"path": "deed", "message": f"事迹超过{DEED_FITS}字，证书正文可能改用较小字号；如需大字排版，建议精简"}]
    return []
