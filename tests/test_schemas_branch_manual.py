"""驻外临时党支部工作手册 schema: roster-derived committee, standard texts, errors and warnings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schemas import branch_manual as manual
from schemas.validation import validate

EXAMPLE = json.loads((Path(__file__).resolve().parents[1] / "examples/branch-manual.json").read_text(encoding="utf-8"))
MEMBERS = EXAMPLE["members"]


def problems(payload) -> dict[str, str]:
    """The errors of validating ``payload``, as {path: message}."""
    data, errors = validate(manual.Schema, payload)
    assert data is None
    return {error["path"]: error["message"] for error in errors}


def loaded(**changes) -> dict:
    """The example with ``changes``, validated."""
    data, errors = validate(manual.Schema, {**EXAMPLE, **changes})
    assert errors == []
    return data


def with_role(index: int, role: str) -> list[dict]:
    """The example roster with member ``index`` given ``role``."""
    return [{**member, "role": role} if n == index else member for n, member in enumerate(MEMBERS)]


def test_example_context():
    """The example's derived values are ready to print."""
    context = manual.context(loaded())
    assert context["manual_title"] == "驻巴基斯坦卫星地面站项目临时党支部工作手册"
    assert context["branch_full_name"] == "中共航宇体系工程中心驻巴基斯坦卫星地面站项目临时支部委员会"
    assert context["secretary"] == "马骏" and context["secretary_phone"] == "+92 300 5123467"
    assert context["committee_text"] == "马骏（书记）、钱堃（组织委员）、许赟（宣传委员）"
    assert context["project_period_text"] == "2026年2月20日至2027年6月30日"
    assert context["established_text"] == "2026年3月1日"
    assert [member["no"] for member in context["members"]] == [1, 2, 3, 4, 5]
    assert (context["member_count"], context["full_member_count"], context["probationary_count"]) == (5, 4, 1)
    assert context["exclusions_text"] == "临时党支部一般不发展党员，不处分处置党员，不收缴党费，不选举党代表大会代表，不进行换届。"
    assert context["duty_items"][0]["label"] == "（一）"
    assert context["reporting_items"][1]["text"] == "临时党支部每月向中心党总支报告一次工作情况和党员思想动态，重大事项随时报告。"
    assert [form["label"] for form in context["form_items"]] == ["附件1", "附件2"]
    assert [row["activity"] for row in context["schedule"]][:2] == ["支部党员大会", "支部委员会"]


def test_standard_texts_can_be_replaced():
    """Given texts replace the standard ones; optional sub-fields get defaults."""
    data = loaded(duties=["组织党员学习。"], schedule=[{"activity": "主题党日", "frequency": "每月1次"}])
    assert data["duties"] == ["组织党员学习。"]
    assert data["schedule"] == [{"activity": "主题党日", "frequency": "每月1次", "content": ""}]


def test_defaults_are_fresh_copies():
    """Changing one document's default lists leaves the next document's alone."""
    first, second = loaded(), loaded()
    first["duties"].append("改动")
    first["schedule"][0]["frequency"] = "改动"
    assert "改动" not in second["duties"] and second["schedule"][0]["frequency"] != "改动"


def test_a_secretary_alone_has_no_committee_text():
    """A branch with a secretary and no committee prints no committee line."""
    members = [{**member, "role": "党员"} if member.get("role") != "书记" else member for member in MEMBERS]
    assert manual.context(loaded(members=members))["committee_text"] == ""


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        ({"members": with_role(0, "党员")}, "members", "党员名册中应有且只有一名书记（现有0名）"),
        ({"members": with_role(3, "书记")}, "members", "党员名册中应有且只有一名书记（现有2名）"),
        ({"members": with_role(3, "组织委员")}, "members[3].role", "“组织委员”已由钱堃担任"),
        ({"members": []}, "members", "不能为空，至少填写1项"),
        ({"members": [*MEMBERS, MEMBERS[4]]}, "members[5].name", "“宋雨桐”重复了"),
        ({"members": [{**MEMBERS[0], "phone": "12345"}, *MEMBERS[1:]]}, "members[0].phone", None),
        ({"members": [{**MEMBERS[0], "home_branch": "外单位党支部"}, *MEMBERS[1:]]}, "members[0].home_branch", None),
        ({"members": [{**MEMBERS[0], "status": "积极分子"}, *MEMBERS[1:]]}, "members[0].status", "应为以下之一：正式党员、预备党员"),
        ({"branch": "综合管理处党支部"}, "branch", None),
        ({"project_start": "2027-07-01"}, "project_end", "项目结束日期不能早于开始日期"),
        ({"established": "2027-07-01"}, "established", "成立日期不能晚于项目结束日期"),
        ({"approval_number": None}, "approval_number", "不能为空值（null）"),
        ({"approval_number": "中心党总支〔2026〕2"}, "approval_number", "发文字号应以“号”结尾，如“中心党总支〔2026〕3号”"),
        ({"contacts": []}, "contacts", "不能为空，至少填写1项"),
        ({"contacts": [{"name": "周堃", "role": "书记"}]}, "contacts[0].phone", "此项必填"),
        ({"duties": ["学习", 3]}, "duties[1]", "应为文字（字符串）"),
        ({"secrecy_level": "秘密"}, "secrecy_level", "本文书没有这一项（未知字段）"),
    ],
)
def test_invalid_manuals(changes, path, message):
    """Each mistake in a manual gives one Chinese error at its path."""
    found = problems({**EXAMPLE, **changes})
    assert list(found) == [path]
    assert message is None or found[path] == message


def test_roster_problems_for_the_whole_list_and_for_entries_come_back_together():
    """Two secretaries, a post held twice and a name listed twice are all reported."""
    members = [*with_role(3, "书记")[:4], {**MEMBERS[4], "role": "组织委员"}, MEMBERS[0]]
    assert problems({**EXAMPLE, "members": members}) == {
        "members": "党员名册中应有且只有一名书记（现有3名）",
        "members[4].role": "“组织委员”已由钱堃担任",
        "members[5].name": "“马骏”重复了",
    }


def test_a_roster_with_a_broken_entry_gives_only_that_entrys_errors():
    """Roster checks wait until every member loads: no count of partly loaded members."""
    members = [{**MEMBERS[0], "name": ""}, {**MEMBERS[0], "name": ""}, 0]
    assert problems({**EXAMPLE, "members": members}) == {
        "members[0].name": "不能为空白", "members[1].name": "不能为空白", "members[2]": "应为对象（{…}）",
    }


def test_warnings_for_few_full_members_and_a_different_secretary():
    """Fewer than 3 full members, or a secretary other than the profile's, warns."""
    members = [{**MEMBERS[1], "role": "书记"}, {**MEMBERS[4]}]
    assert manual.warnings(loaded(members=members)) == [
        {"path": "members", "message": "正式党员只有1名，不足3名的一般不单独成立临时党支部"},
        {"path": "members", "message": "组织配置中该支部书记为“马骏”，名册中为“钱堃”，请核对"},
    ]
