"""会议纪要 schema: example, derived context, cross-field errors and the quorum warning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schemas import meeting_minutes as minutes
from schemas.validation import validate

EXAMPLE_PATH = Path(__file__).resolve().parents[1] / "examples/meeting-minutes.json"
EXAMPLE = json.loads(EXAMPLE_PATH.read_text(encoding="utf-8"))
BRANCH = "仿真评估处党支部"


def problems(payload) -> dict[str, str]:
    """The errors of validating ``payload``, as {path: message}."""
    data, errors = validate(minutes.Schema, payload)
    assert data is None
    return {error["path"]: error["message"] for error in errors}


def loaded(**changes) -> dict:
    """The example with ``changes``, validated."""
    data, errors = validate(minutes.Schema, {**EXAMPLE, **changes})
    assert errors == []
    return data


def committee_meeting(attendees: int, size: int = 7) -> dict:
    """A branch committee meeting with ``attendees`` of ``size`` members present."""
    people = [{"name": name} for name in ["刘赟", "林喆", "张堃", "吴敏", "郭峰", "高洁", "许诺"][:attendees]]
    return loaded(organisation=BRANCH, meeting_type="支委会", number=None, committee_size=size, attendees=people,
                  absentees=[], chair="刘赟", end=None)


def test_example_context_has_the_derived_values():
    """The example's derived values are ready to print."""
    context = minutes.context(loaded())
    assert context["heading"] == "中共航宇体系工程中心总支部委员会会议纪要"
    assert context["document_title"] == "“如何形成中心合力”专题研讨会纪要"
    assert context["meeting_date"] == "2026年3月5日"
    assert context["time_text"] == "2026年3月5日14:30—17:00"
    assert context["date_text"] == "2026年3月6日"
    assert context["number"] == "中心党总支纪〔2026〕3号"
    assert context["opening"].startswith("2026年3月5日14:30—17:00，中心党总支在中心三楼第一会议室召开")
    assert [d["label"] for d in context["decisions"]] == ["一、", "二、", "三、"]
    assert context["decisions"][0]["deadline_text"] == "2026年3月31日"
    assert [t["label"] for t in context["topic_items"]] == ["（一）", "（二）", "（三）"]
    assert context["attendee_names"] == "周堃、刘赟、王喆、陈晓峰、赵一鸣、郑昊、孙悦"
    assert context["absentee_text"] == "李静怡（外场试验）、马骏（驻巴基斯坦项目现场执行任务）"
    assert context["observer_text"] == "何嘉琪（中心综合助理）、钱文彬（质量标准化领域专员）"
    assert context["distribution_text"] == "中心各党支部，各驻外临时党支部，中心综合办公室。"
    assert len(context["discussion_paragraphs"]) == 3
    assert context["org_name"] == "中共航宇体系工程中心总支部委员会"


def test_minutes_of_a_branch_use_the_branch_name_and_series():
    """A branch's minutes use its full name and its own series."""
    data = committee_meeting(4)
    context = minutes.context(data)
    assert context["heading"] == "中共航宇体系工程中心仿真评估处支部委员会会议纪要"
    assert context["number"] == "" and context["end_text"] == ""
    assert minutes.NUMBERING.series(data) == "仿真支部纪"
    assert minutes.NUMBERING.year(data) == 2026


def test_date_defaults_to_the_meeting_day_and_a_long_meeting_repeats_the_date():
    """The minutes' date defaults to the meeting day; multi-day meetings show both dates."""
    context = minutes.context(loaded(date=None, end="2026-03-06T12:00"))
    assert context["date_text"] == "2026年3月5日"
    assert context["time_text"] == "2026年3月5日14:30—2026年3月6日12:00"


def test_all_required_fields_missing():
    """An empty payload lists every required field."""
    required = ["organisation", "meeting_type", "title", "start", "place", "chair", "recorder", "attendees",
                "topics", "decisions"]
    assert problems({}) == {name: "此项必填" for name in required}


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        ({"absentees": [{"name": "李静怡"}]}, "absentees[0].reason", "此项必填"),
        ({"absentees": [{"name": "李静怡", "reason": " "}]}, "absentees[0].reason", "不能为空白"),
        ({"end": "2026-03-05T14:00"}, "end", "结束时间应晚于开始时间"),
        ({"end": "2026-03-05T14:30"}, "end", "结束时间应晚于开始时间"),
        ({"start": "2026-03-05"}, "start", "日期时间格式应为“2026-03-05T14:30”"),
        ({"date": "2026-03-04"}, "date", "纪要日期不能早于会议日期"),
        ({"attendees": []}, "attendees", "不能为空，至少填写1项"),
        ({"decisions": []}, "decisions", "不能为空，至少填写1项"),
        ({"topics": []}, "topics", "不能为空，至少填写1项"),
        ({"topics": ["学习传达会议精神", "  "]}, "topics[1]", "不能为空白"),
        ({"distribution": [""]}, "distribution[0]", "不能为空白"),
        ({"meeting_type": "座谈会"}, "meeting_type", "应为以下之一：支委会、总支委员会、党员大会、专题研讨、主题党日"),
        ({"organisation": "不存在的支部"}, "organisation", "应为以下之一：中心党总支、综合管理处党支部、"),
        ({"title": "“如何形成中心合力”专题研讨会纪要"}, "title", "会议名称不用加“纪要”，生成时会自动加上"),
        ({"number": "中心党总支纪〔2026〕第3号"}, "number", "发文字号序号前不加“第”，如“中心党总支〔2026〕3号”"),
        ({"meeting_type": "支委会", "committee_size": 9}, "meeting_type", "党总支召开的委员会会议请选“总支委员会”"),
        ({"organisation": BRANCH, "meeting_type": "总支委员会", "number": None, "committee_size": 9},
         "meeting_type", "党支部召开的委员会会议请选“支委会”"),
        ({"meeting_type": "总支委员会"}, "committee_size", "委员会会议须填写委员人数，用于核对到会是否过半数"),
        ({"meeting_type": "总支委员会", "committee_size": 7}, "committee_size",
         "出席和请假的委员共9人，多于委员人数7人；非委员请列入列席人员"),
        ({"committee_size": 2}, "committee_size", "应在3至15之间"),
        ({"absentees": [{"name": "王喆", "reason": "出差"}]}, "absentees[0].name", "“王喆”已在出席人员中"),
        ({"attendees": [{"name": "周堃"}, {"name": "刘赟"}, {"name": "周堃"}]}, "attendees[2].name", "“周堃”重复了"),
    ],
)
def test_invalid_minutes(changes, path, message):
    """Each mistake in minutes gives one Chinese error at its path."""
    found = problems({**EXAMPLE, **changes})
    assert list(found) == [path]
    assert found[path].startswith(message)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"attendees": [{"post": "委员"}], "absentees": [{"reason": "出差"}]},
         {"attendees[0].name": "此项必填", "absentees[0].name": "此项必填"}),
        ({"absentees": [{"name": 5, "reason": "出差"}]}, {"absentees[0].name": "应为文字（字符串）"}),
        ({"attendees": [{"name": ""}, {"name": ""}]}, {"attendees[0].name": "不能为空白", "attendees[1].name": "不能为空白"}),
        ({"attendees": [5, {"name": "周堃"}, {"name": "周堃"}]}, {"attendees[0]": "应为对象（{…}）"}),
        ({"decisions": [{"content": "落实", "owner": "王喆"}]}, {"decisions[0].deadline": "此项必填"}),
    ],
)
def test_cross_field_checks_skip_lists_whose_entries_failed(changes, expected):
    """A list with a broken entry gives only that entry's errors: no crash, no checks on the rest."""
    assert problems({**EXAMPLE, **changes}) == expected


def test_a_missing_name_deep_in_a_list_is_reported_at_its_path():
    """A missing name in the fourth attendee is reported at attendees[3].name."""
    attendees = [*EXAMPLE["attendees"][:3], {"post": "委员"}]
    assert problems({**EXAMPLE, "attendees": attendees}) == {"attendees[3].name": "此项必填"}


def test_a_deadline_before_the_meeting_is_reported_on_that_decision():
    """A deadline before the meeting is reported on its own decision."""
    decisions = [dict(decision) for decision in EXAMPLE["decisions"]]
    decisions[1]["deadline"] = "2026-03-01"
    assert problems({**EXAMPLE, "decisions": decisions}) == {"decisions[1].deadline": "完成时限不能早于会议日期"}


def test_several_mistakes_come_back_together():
    """Field errors, cross-field errors and unknown fields come back together."""
    payload = {**EXAMPLE, "end": "2026-03-05T12:00", "absentees": [{"name": "李静怡"}], "place": "", "extra": 1}
    assert list(problems(payload)) == ["end", "place", "absentees[0].reason", "extra"]


def test_quorum_warning_for_a_committee_meeting_without_a_majority():
    """A committee meeting warns unless more than half of the members attend."""
    assert minutes.warnings(committee_meeting(3)) == [{
        "path": "attendees",
        "message": "到会委员3人，未超过委员总数7人的半数，会议不符合“应到会委员超过半数”的要求",
    }]
    assert minutes.warnings(committee_meeting(4)) == []
    assert minutes.warnings(committee_meeting(3, size=6)) != []
    assert minutes.warnings(committee_meeting(3, size=5)) == []


def test_no_quorum_warning_for_other_meetings():
    """Meetings other than committee meetings never warn about quorum."""
    assert minutes.warnings(loaded(committee_size=15, attendees=[{"name": "周堃"}])) == []


def test_chair_missing_from_attendees_is_a_warning():
    """A chair not among the attendees warns."""
    assert minutes.warnings(loaded(chair="郑昊", attendees=[{"name": "周堃"}], absentees=[])) == [
        {"path": "chair", "message": "主持人“郑昊”不在出席人员名单中"}
    ]
