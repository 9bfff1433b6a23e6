"""表彰决定 schema: the derived title, decision wording and 表彰名单; duplicate checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schemas import commendation
from schemas.validation import validate

EXAMPLE = json.loads((Path(__file__).resolve().parents[1] / "examples/commendation.json").read_text(encoding="utf-8"))


def problems(payload) -> dict[str, str]:
    """The errors of validating ``payload``, as {path: message}."""
    data, errors = validate(commendation.Schema, payload)
    assert data is None
    return {error["path"]: error["message"] for error in errors}


def loaded(**changes) -> dict:
    """The example with ``changes``, validated."""
    data, errors = validate(commendation.Schema, {**EXAMPLE, **changes})
    assert errors == []
    return data


def test_example_context():
    """The example's derived values are ready to print."""
    context = commendation.context(loaded())
    assert context["subject"] == "关于表彰2026年上半年月度之星、先进团队和优秀共产党员的决定"
    assert context["title"] == "中共航宇体系工程中心总支部委员会关于表彰2026年上半年月度之星、先进团队和优秀共产党员的决定"
    assert context["decision_paragraph"] == (
        "经中心党总支委员会研究，决定：授予王喆等4名同志“月度之星”称号；"
        "授予体系架构设计技术攻关小组等2个集体“先进团队”称号；授予马骏等3名同志“优秀共产党员”称号。"
    )
    assert [group["heading"] for group in context["honours"]] == [
        "一、月度之星（4名）", "二、先进团队（2个）", "三、优秀共产党员（3名）",
    ]
    assert context["honours"][0]["names_text"].startswith("王喆（体系论证处）、陈堃（总体设计处）、林赟（仿真评估处）")
    assert (context["person_count"], context["team_count"]) == (7, 2)
    assert context["date_text"] == "2026年7月10日" and context["cc_text"] == "上级党委组织部。"
    assert context["attachment_note"] == "附件：表彰名单"
    assert len(context["background_paragraphs"]) == 2 and len(context["expectation_paragraphs"]) == 2


def test_single_honouree_and_given_subject():
    """One honouree is named alone; a given subject is used as typed."""
    honours = [{"honour": "优秀党务工作者", "honourees": [{"name": "孙悦"}]}]
    context = commendation.context(loaded(honours=honours, subject="关于表彰孙悦同志的决定"))
    assert context["decision_text"] == "授予孙悦同志“优秀党务工作者”称号。"
    assert context["subject"] == "关于表彰孙悦同志的决定"
    assert context["honours"][0]["names_text"] == "孙悦"


def test_two_honours_are_joined_with_he():
    """Two honours are joined with 和; teams and people get their own wording."""
    honours = [{"honour": "先进党支部", "honourees": [{"name": "数据工程处党支部"}]},
               {"honour": "优秀共产党员", "honourees": [{"name": "赵一鸣"}]}]
    context = commendation.context(loaded(honours=honours))
    assert context["subject"] == "关于表彰2026年上半年先进党支部和优秀共产党员的决定"
    assert context["decision_text"] == "授予数据工程处党支部“先进党支部”称号；授予赵一鸣同志“优秀共产党员”称号。"


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        ({"honours": []}, "honours", "不能为空，至少填写1项"),
        ({"honours": [{"honour": "月度之星", "honourees": []}]}, "honours[0].honourees", "不能为空，至少填写1项"),
        ({"honours": [{"honour": "月度之星", "honourees": [{"name": "王喆"}, {"name": "林赟"}, {"name": "王喆"}]}]},
         "honours[0].honourees[2].name", "“王喆”重复了"),
        ({"honours": [{"honour": "月度之星", "honourees": [{"name": "王喆"}]},
                      {"honour": "月度之星", "honourees": [{"name": "林赟"}]}]}, "honours[1].honour", "“月度之星”重复了"),
        ({"honours": [{"honour": "年度人物", "honourees": [{"name": "王喆"}]}]}, "honours[0].honour", None),
        ({"subject": "表彰决定"}, "subject", "标题应为“关于……的决定”"),
        ({"background": ""}, "background", "不能为空白"),
        ({"expectations": "字" * 10_000}, "expectations", "不能超过3000个字符（现有10000个）"),
        ({"period": None}, "period", "不能为空值（null）"),
        ({"number": "中心党总支〔2026〕"}, "number", "发文字号应以“号”结尾，如“中心党总支〔2026〕3号”"),
    ],
)
def test_invalid_commendations(changes, path, message):
    """Each mistake in a commendation gives one Chinese error at its path."""
    found = problems({**EXAMPLE, **changes})
    assert list(found) == [path]
    assert message is None or found[path] == message


def test_no_warnings():
    """A commendation has no warnings."""
    assert commendation.warnings(loaded()) == []
