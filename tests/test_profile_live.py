"""The profile in use can change while the process runs: choices, defaults, numbering and sheets follow it."""

from __future__ import annotations

import io

import openpyxl
import pytest

from schemas.profile import PROFILE, default_text, parse_profile
from service.batch.writer import blank_sheet
from service.catalog import Catalog

CATALOG = Catalog()
# Another organisation: its own name and 机关代字, one more honour, a branch renamed.
OTHER = parse_profile(default_text().replace("中心党总支", "研究院党委")
                      .replace("综合管理处党支部", "办公室党支部")
                      + '\n[[honours]]\nname = "技术能手"\nteam = false\n')


@pytest.fixture
def other_profile():
    """Use OTHER for one test, then the original again."""
    original = PROFILE.current
    PROFILE.use(OTHER)
    yield OTHER
    PROFILE.use(original)


def certificate(**changes) -> dict:
    """The certificate example with changes."""
    return {**CATALOG.get("certificate").example(), **changes}


def test_a_new_honour_is_accepted_once_the_profile_has_it(other_profile):
    """技术能手 is refused by the shipped profile and accepted by one that lists it: no code, no restart."""
    kind = CATALOG.get("certificate")
    PROFILE.use(parse_profile(default_text()))
    [error] = kind.check(certificate(honour="技术能手")).errors
    assert error["path"] == "honour" and "月度之星" in error["message"]
    PROFILE.use(other_profile)
    assert not kind.check(certificate(honour="技术能手")).errors


def test_defaults_numbering_and_context_follow_the_profile(other_profile):
    """The issuer default, the number series and the printed names come from the profile in use."""
    kind = CATALOG.get("certificate")
    data = kind.check(certificate(issuer=None)).data
    assert data["issuer"] == "研究院党委"
    assert kind.numbering.series(data) == "研究院党委证"
    assert kind.context(data)["org_short_name"] == "研究院党委"


def test_published_schema_and_sheet_list_the_current_choices(other_profile):
    """The JSON Schema's enum and the Excel sheet's drop-down carry the profile in use."""
    minutes = CATALOG.get("meeting-minutes").json_schema()
    assert "办公室党支部" in minutes["properties"]["organisation"]["enum"]
    assert "综合管理处党支部" not in minutes["properties"]["organisation"]["enum"]
    issuer = CATALOG.get("certificate").json_schema()["properties"]["issuer"]
    assert issuer["default"] == "研究院党委" and issuer["enum"][-2:] == ["", None]
    book = openpyxl.load_workbook(io.BytesIO(blank_sheet(CATALOG.get("certificate"))))
    options = [cell.value for row in book["选项"].iter_rows() for cell in row if cell.value]
    assert "技术能手" in options


def test_examples_suit_any_organisation(other_profile):
    """With units and honours the shipped examples do not name, every example still validates and renders."""
    renamed = parse_profile(default_text().replace("中心党总支", "研究院党委").replace("处党支部", "室党支部")
                            .replace("驻巴基斯坦", "驻巴西").replace("月度之星", "季度之星").replace("先进团队", "攻坚团队"))
    PROFILE.use(renamed)
    for kind in CATALOG:
        data = kind.example_data()
        assert kind.render(data)[0].startswith(b"PK")
        if kind.numbering:
            assert data[kind.numbering.field].startswith("研究院党委")
    assert CATALOG.get("certificate").example()["honour"] in {"季度之星", "攻坚团队", "优秀共产党员"}
    honours = [group["honour"] for group in CATALOG.get("commendation").example()["honours"]]
    assert len(set(honours)) == len(honours)


def test_a_template_cannot_be_tried_when_the_profile_leaves_its_example_invalid(other_profile):
    """No 驻外临时党支部 at all: the manual's template upload is refused with the reason, not a crash."""
    from service.templating.checks import Refused, check_template

    text = default_text()
    PROFILE.use(parse_profile(text[:text.index("[[overseas_branches]]")] + text[text.index("# Honours"):]))
    kind = CATALOG.get("branch-manual")
    with pytest.raises(Refused) as refused:
        check_template(kind, kind.template_path.read_bytes())
    assert "请先在组织配置中补全" in refused.value.problems[0]["message"]
