"""The 公文 kinds' shared fields and context: defaults and values derived from the organisation profile,
and the text helpers their context() uses.
"""

from __future__ import annotations

import copy

from marshmallow import validates_schema

from schemas.fields import BaseSchema, Date, DocNumber, List, Text, meta
from schemas.problems import not_before, raise_problems
from schemas.profile import PROFILE
from service.engine.filters import cn_date, cn_join, cn_numeral


def number_field(title: str = "发文字号", suffix: str = "") -> Text:
    """The optional number of a numbered document whose series is the 机关代字 followed by ``suffix``."""
    hint = f"可不填，由系统按年度顺序编号；如填写，格式为“机关代字{suffix}〔年份〕序号号”，如“机关代字{suffix}〔2026〕3号”"
    return DocNumber(metadata=meta(title, hint))


def addressee_field() -> Text:
    """主送机关, defaulting to the profile's."""
    return Text(load_default=lambda: PROFILE.addressee, metadata=meta("主送机关", "默认：组织配置中的主送机关"))


def signatory_field() -> Text:
    """署名 (issuing organisation's full name), defaulting to the 总支."""
    return Text(load_default=lambda: PROFILE.organisation.full_name,
                metadata=meta("署名", "发文机关全称，默认：本组织全称（组织配置）"))


def cc_field() -> List:
    """抄送机关, optional."""
    return List(Text(required=True, metadata=meta("抄送机关", "如：上级党委组织部")), max_items=30,
                metadata=meta("抄送", "可选，抄送机关名称，每项一个"))


def printer_field() -> Text:
    """印发机关 in the 版记, defaulting to the profile's office."""
    return Text(load_default=lambda: PROFILE.printing_office,
                metadata=meta("印发机关", "版记中的印发机关，默认：组织配置中的印发机关"))


def print_date_field() -> Date:
    """印发日期 in the 版记, defaulting to the 成文日期."""
    return Date(load_default=None, metadata=meta("印发日期", "版记中的印发日期，不填则与成文日期相同"))


class OfficialSchema(BaseSchema):
    """A 公文 with the shared 版记 fields: checks the 印发日期 against the 成文日期."""

    @validates_schema(skip_on_field_errors=False)
    def _check_print_date(self, data: dict, **kwargs) -> None:
        """The document cannot be printed before it is dated."""
        raise_problems(not_before(data, "print_date", "date", "印发日期不能早于成文日期"))


def profile_context() -> dict:
    """The 总支's profile values every template may print."""
    org = PROFILE.organisation
    return {
        "org_name": org.full_name,
        "org_short_name": org.name,
        "org_code": org.code,
        "org_secretary": org.secretary,
        "issuer_mark": PROFILE.issuer_mark,
        "org_phone": PROFILE.phone,
    }


def base_context(data: dict) -> dict:
    """A copy of the loaded data plus the profile values."""
    return {**copy.deepcopy(data), **profile_context()}


def official_context(data: dict) -> dict:
    """Derived values shared by 公文: number, dates and the 版记 lines."""
    return {
        "number": data.get("number") or "",
        "date_text": cn_date(data["date"]),
        "cc_text": sentence(data.get("cc", [])),
        "print_date_text": cn_date(data.get("print_date") or data["date"]),
    }


# ---------------------------------------------------------------- text helpers for context()


def decision_label(n: int) -> str:
    """一、 for the n-th (1-based) decision or heading."""
    return f"{cn_numeral(n)}、"


def item_label(n: int) -> str:
    """（一） for the n-th 项."""
    return f"（{cn_numeral(n)}）"


def sub_item_label(n: int) -> str:
    """1. for the n-th 目."""
    return f"{n}."


def labelled(texts: list[str], label=item_label) -> list[dict]:
    """Texts as [{"label": "（一）", "text": …}, …]."""
    return [{"label": label(n), "text": text} for n, text in enumerate(texts, 1)]


def paragraphs(text: str) -> list[str]:
    """The non-blank lines of a multi-line text, each one paragraph."""
    return [line for line in text.splitlines() if line.strip()]


def person_text(person: dict) -> str:
    """王喆（总支书记） — the name, with the post in brackets when there is one."""
    return f"{person['name']}（{person['post']}）" if person.get("post") else person["name"]


def names(people: list[dict]) -> str:
    """Names joined with 、."""
    return cn_join(person["name"] for person in people)


def sentence(items: list[str]) -> str:
    """A 版记-style list: items joined with ， and ended with 。 ("" when empty)."""
    return f"{'，'.join(items)}。" if items else ""
