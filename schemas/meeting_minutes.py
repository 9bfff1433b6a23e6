"""会议纪要: minutes of a 支委会, 总支委员会, 党员大会, 专题研讨 or 主题党日.

Context keys added to the loaded data (besides schemas.official.profile_context()'s org_* keys):

- unit_full_name: full name of the organisation holding the meeting (中共…支部委员会)
- heading: red heading, e.g. 中共航宇体系工程中心总支部委员会会议纪要
- document_title: the meeting's name + 纪要, e.g. “如何形成中心合力”专题研讨会纪要
- number: the 发文字号 ("" while none is allocated)
- meeting_date: 2026年3月5日; start_text: 2026年3月5日14:30; end_text ("" when no end)
- time_text: 2026年3月5日14:30—16:30 (the end's date is repeated only when it differs)
- date_text: the minutes' date, 2026年3月5日
- opening: the opening paragraph, ending with 现将会议主要精神和议定事项纪要如下：
- topic_items: [{label: （一）, text}]; discussion_paragraphs: [str]
- decisions: each entry gains label (一、) and deadline_text (2026年3月31日)
- attendee_names / absentee_names / observer_names: names joined with 、
- attendee_text: 王喆（总支书记）、…; absentee_text: 刘赟（出差）、…; observer_text like attendee_text
- attendee_count / absentee_count / observer_count: int
- distribution_text: 分送 list, e.g. 各党支部，中心综合办公室。 ("" when empty)
"""

from __future__ import annotations

from marshmallow import ValidationError, validates_schema

from schemas.checks import Range
from schemas.fields import BaseSchema, Choice, Date, DateTime, Integer, List, LongText, Name, Nested, People, Text, meta
from schemas.numbering import Numbering
from schemas.official import (
    base_context, decision_label, labelled, names, number_field, paragraphs, person_text, sentence,
)
from schemas.problems import duplicate_names, not_before, raise_problems
from schemas.profile import PROFILE
from service.engine.filters import cn_date, cn_join, cn_time

ID = "meeting-minutes"
TITLE = "会议纪要"
SUMMARY = "支委会、总支委员会、党员大会、专题研讨和主题党日的会议纪要，含议定事项、责任人和完成时限"
ORDER = 1  # place in lists (home page, docgen kinds): the most used kinds first
FILENAME = "{document_title}（{meeting_date}）"
NUMBERING = Numbering(field="number", date_field="start", unit_field="organisation", suffix="纪")

MEETING_TYPES = ("支委会", "总支委员会", "党员大会", "专题研讨", "主题党日")
COMMITTEE_MEETINGS = ("支委会", "总支委员会")


def no_minutes_suffix(title: str) -> None:
    """The meeting's name must not end with 纪要: the heading adds it."""
    if title.rstrip().endswith("纪要"):
        raise ValidationError("会议名称不用加“纪要”，生成时会自动加上")


class Absentee(BaseSchema):
    """A person on leave (请假), with the reason."""

    name = Name(required=True, metadata=meta("姓名", "请假人员姓名"))
    reason = Text(required=True, max_length=50, metadata=meta("请假原因", "如：出差、病假、驻外执行任务"))


class Decision(BaseSchema):
    """A decision (议定事项) with its owner and deadline."""

    content = LongText(required=True, max_length=1000, metadata=meta("议定事项", "会议决定做什么"))
    owner = Text(required=True, max_length=50, metadata=meta("责任人", "负责落实的人或部门，如：王喆、综合管理处"))
    deadline = Date(required=True, metadata=meta("完成时限", "如：2026-03-31"))


class Schema(BaseSchema):
    """Input of 会议纪要."""

    numbering = NUMBERING

    organisation = Choice(
        lambda: [unit.name for unit in PROFILE.units], required=True,
        metadata=meta("召开会议的组织", "党总支、所属党支部或驻外临时党支部"),
    )
    meeting_type = Choice(MEETING_TYPES, required=True, metadata=meta("会议类型", "、".join(MEETING_TYPES)))
    number = number_field("纪要编号", "纪")
    title = Text(required=True, validate=no_minutes_suffix,
                 metadata=meta("会议名称", "不含“纪要”二字，如：“如何形成中心合力”专题研讨会"))
    start = DateTime(required=True, metadata=meta("开始时间", "如：2026-03-05T14:30"))
    end = DateTime(load_default=None, metadata=meta("结束时间", "可选，如：2026-03-05T16:30"))
    place = Text(required=True, metadata=meta("会议地点", "如：中心第一会议室"))
    chair = Name(required=True, metadata=meta("主持人", "主持会议的同志"))
    recorder = Name(required=True, metadata=meta("记录人", "记录会议的同志"))
    committee_size = Integer(
        load_default=None, validate=Range(min=3, max=15),
        metadata=meta("委员人数", "支委会、总支委员会必填：委员总数，用于核对到会是否过半数"),
    )
    attendees = People(required=True, min_items=1, max_items=300,
                       metadata=meta("出席人员", "委员会会议只列委员；其他参会人员列入列席"))
    absentees = List(Nested(Absentee), max_items=100, metadata=meta("请假人员", "每人须写明请假原因"))
    observers = People(max_items=100, metadata=meta("列席人员", "可选"))
    topics = List(Text(required=True, max_length=200, metadata=meta("议题", "一个议题")), required=True, min_items=1,
                  max_items=20, metadata=meta("会议议题", "每项一个议题"))
    discussion = LongText(load_default="", metadata=meta("会议主要精神", "讨论和发言要点，每段一行"))
    decisions = List(Nested(Decision), required=True, min_items=1, max_items=50,
                     metadata=meta("议定事项", "每项写明责任人和完成时限"))
    distribution = List(Text(required=True, metadata=meta("分送单位", "如：各党支部")), max_items=30,
                        metadata=meta("分送", "可选，纪要分送的单位"))
    date = Date(load_default=None, metadata=meta("纪要日期", "不填则为会议日期"))

    @validates_schema(skip_on_field_errors=False)
    def _check(self, data: dict, **kwargs) -> None:
        """Cross-field checks: meeting type vs organisation, times, people, committee size."""
        raise_problems([
            *type_problems(data),
            *not_before(data, "date", "start", "纪要日期不能早于会议日期"),
            *end_problems(data),
            *deadline_problems(data),
            *duplicate_names(data, "attendees"),
            *duplicate_names(data, "absentees"),
            *overlap_problems(data),
            *committee_problems(data),
        ])


def type_problems(data: dict) -> list:
    """A 支委会 is held by a 支部, a 总支委员会 by the 总支."""
    kind, unit = data.get("meeting_type"), data.get("organisation")
    if kind == "支委会" and unit == PROFILE.organisation.name:
        return [(("meeting_type",), "党总支召开的委员会会议请选“总支委员会”")]
    if kind == "总支委员会" and unit and unit != PROFILE.organisation.name:
        return [(("meeting_type",), "党支部召开的委员会会议请选“支委会”")]
    return []


def end_problems(data: dict) -> list:
    """The meeting ends after it starts."""
    start, end = data.get("start"), data.get("end")
    return [(("end",), "结束时间应晚于开始时间")] if start and end and end <= start else []


def deadline_problems(data: dict) -> list:
    """No decision is due before the meeting."""
    day = (data.get("start") or "")[:10]
    return [
        (("decisions", index, "deadline"), "完成时限不能早于会议日期")
        for index, decision in enumerate(data.get("decisions") or [])
        if day and decision.get("deadline") and decision["deadline"] < day
    ]


def overlap_problems(data: dict) -> list:
    """Nobody is both present and on leave."""
    present = {person.get("name") for person in data.get("attendees") or []}
    return [
        (("absentees", index, "name"), f"“{person['name']}”已在出席人员中")
        for index, person in enumerate(data.get("absentees") or [])
        if person.get("name") in present
    ]


def committee_problems(data: dict) -> list:
    """Committee meetings need the committee size, and cannot count more members than it."""
    if data.get("meeting_type") not in COMMITTEE_MEETINGS:
        return []
    size = data.get("committee_size")
    if size is None:
        return [(("committee_size",), "委员会会议须填写委员人数，用于核对到会是否过半数")]
    counted = len(data.get("attendees") or []) + len(data.get("absentees") or [])
    if counted > size:
        return [(("committee_size",), f"出席和请假的委员共{counted}人，多于委员人数{size}人；非委员请列入列席人员")]
    return []


def time_text(data: dict) -> str:
    """2026年3月5日14:30—16:30, repeating the date only when the meeting spans days."""
    start, end = data["start"], data.get("end")
    if not end:
        return cn_time(start)
    return f"{cn_time(start)}—{end[11:] if end[:10] == start[:10] else cn_time(end)}"


def context(data: dict) -> dict:
    """The template context: the data plus the derived values listed in the module docstring."""
    unit = PROFILE.unit(data["organisation"])
    when = time_text(data)
    return {
        **base_context(data),
        "unit_full_name": unit.full_name,
        "heading": f"{unit.full_name}会议纪要",
        "document_title": f"{data['title']}纪要",
        "number": data.get("number") or "",
        "meeting_date": cn_date(data["start"]),
        "start_text": cn_time(data["start"]),
        "end_text": cn_time(data["end"]) if data.get("end") else "",
        "time_text": when,
        "date_text": cn_date(data.get("date") or data["start"]),
        "opening": f"{when}，{unit.name}在{data['place']}召开{data['title']}，会议由{data['chair']}主持。"
                   "现将会议主要精神和议定事项纪要如下：",
        "topic_items": labelled(data["topics"]),
        "discussion_paragraphs": paragraphs(data.get("discussion", "")),
        "decisions": [
            {**decision, "label": decision_label(n), "deadline_text": cn_date(decision["deadline"])}
            for n, decision in enumerate(data["decisions"], 1)
        ],
        "attendee_names": names(data["attendees"]),
        "absentee_names": names(data.get("absentees", [])),
        "observer_names": names(data.get("observers", [])),
        "attendee_text": cn_join(person_text(person) for person in data["attendees"]),
        "absentee_text": cn_join(f"{p['name']}（{p['reason']}）" for p in data.get("absentees", [])),
        "observer_text": cn_join(person_text(person) for person in data.get("observers", [])),
        "attendee_count": len(data["attendees"]),
        "absentee_count": len(data.get("absentees", [])),
        "observer_count": len(data.get("observers", [])),
        "distribution_text": sentence(data.get("distribution", [])),
    }


def warnings(data: dict) -> list[dict]:
    """Quorum of committee meetings, and a chair missing from the attendees."""
    found = []
    size, present = data.get("committee_size"), len(data["attendees"])
    if data["meeting_type"] in COMMITTEE_MEETINGS and size and present * 2 <= size:
        found.append({"path": "attendees", "message": f"到会委员{present}人，未超过委员总数{size}人的半数，会议不符合“应到会委员超过半数”的要求"})
    if data["chair"] not in {person["name"] for person in data["attendees"]}:
        found.append({"path": "chair", "message": f"主持人“{data['chair']}”不在出席人员名单中"})
    return found
