"""荣誉证书 schema: the wording for people and teams, the certificate number, errors and warnings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schemas import certificate
from schemas.numbering import Numbering
from schemas.validation import validate

EXAMPLE = json.loads((Path(__file__).resolve().parents[1] / "examples/certificate.json").read_text(encoding="utf-8"))


def problems(payload) -> dict[str, str]:
    """The errors of validating ``payload``, as {path: message}."""
    data, errors = validate(certificate.Schema, payload)
    assert data is None
    return {error["path"]: error["message"] for error in errors}


def loaded(**changes) -> dict:
    """The example with ``changes``, validated."""
    data, errors = validate(certificate.Schema, {**EXAMPLE, **changes})
    assert errors == []
    return data


def test_example_has_no_number_so_the_service_allocates_one():
    """The example omits its number; the numbering gives series, year and format."""
    data = loaded()
    assert data["number"] is None
    assert certificate.NUMBERING.field == "number"
    assert certificate.NUMBERING.series(data) == "中心党总支证"
    assert certificate.NUMBERING.year(data) == 2026
    assert Numbering.format(certificate.NUMBERING.series(data), 2026, 12) == "中心党总支证〔2026〕12号"


def test_example_context_for_a_person():
    """A person's certificate says 同志 and names the honour in quotes."""
    context = certificate.context(loaded())
    assert context["salutation"] == "王喆同志："
    assert context["citation"].endswith("表现突出，被评为2026年2月“月度之星”。")
    assert context["closing"] == "特发此证，以资鼓励。"
    assert context["issuer_full_name"] == "中共航宇体系工程中心总支部委员会"
    assert context["date_text"] == "2026年3月5日"
    assert context["number"] == "" and context["is_team"] is False
    assert certificate.FILENAME.format(**context) == "荣誉证书-王喆-月度之星-2026年2月"


def test_team_certificate_from_a_branch():
    """A team's certificate from a branch uses the branch's name and series."""
    data = loaded(recipient="仿真评估团队", honour="先进团队", issuer="仿真评估处党支部", deed="在体系仿真平台建设中协同攻关。",
                  number="仿真支部证〔2026〕2号")
    context = certificate.context(data)
    assert context["salutation"] == "仿真评估团队："
    assert context["citation"] == "在体系仿真平台建设中协同攻关，被评为2026年2月“先进团队”。"
    assert context["issuer_full_name"] == "中共航宇体系工程中心仿真评估处支部委员会"
    assert context["number"] == "仿真支部证〔2026〕2号"


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        ({"honour": "优秀员工"}, "honour", "应为以下之一：月度之星、先进团队、优秀共产党员、优秀党务工作者、先进党支部"),
        ({"recipient": "王喆同志"}, "recipient", "只填姓名，“同志”二字会自动加上"),
        ({"recipient": ""}, "recipient", "不能为空白"),
        ({"deed": None}, "deed", "不能为空值（null）"),
        ({"issuer": "上级党委"}, "issuer", None),
        ({"date": "2026-3-5"}, "date", "日期格式应为“2026-03-05”"),
        ({"number": "中心党总支〔2026〕12号"}, "number", "机关代字应为“中心党总支证”"),
        ({"number": "中心党总支证〔2025〕12号"}, "number", "年份应与文书日期的年份（2026）一致"),
        ({"period": "2026年2月\x00"}, "period", "含有Word文档无法保存的控制字符 U+0000（第8个字符），请删除后重试"),
        ({"level": "一等"}, "level", "本文书没有这一项（未知字段）"),
    ],
)
def test_invalid_certificates(changes, path, message):
    """Each mistake in a certificate gives one Chinese error at its path."""
    found = problems({**EXAMPLE, **changes})
    assert list(found) == [path]
    assert message is None or found[path] == message


def test_long_deed_warning():
    """A long deed warns that its type may shrink (it always fits the page, see test_templates)."""
    assert certificate.warnings(loaded(deed="在任务中" * 40)) == [
        {"path": "deed", "message": "事迹超过120字，证书正文可能改用较小字号；如需大字排版，建议精简"}
    ]
