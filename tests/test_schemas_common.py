"""Shared schema machinery: fields, validate(), numbering, profile, and the module contract of every kind."""

from __future__ import annotations

import importlib
import itertools
import json
import pkgutil
import re
from pathlib import Path
from typing import ClassVar

import jsonschema_rs
import pytest
from marshmallow import ValidationError, validates_schema
from marshmallow import fields as ma_fields

import schemas
from schemas import branch_manual, checks
from schemas.fields import (
    BaseSchema, Date, DateTime, DocNumber, Integer, List, LongText, Name, People, Phone, Text, TextOrNested, meta,
)
from schemas.numbering import Numbering
from schemas.problems import problem_tree
from schemas.profile import PROFILE, ProfileError, load_profile
from schemas.validation import validate
from service.catalog import Catalog
from service.engine.filters import cn_numeral
from service.engine.text import BAD_XML_CHARS
from service.jsonschema import json_schema

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
MODULES = [importlib.import_module(f"schemas.{info.name}") for info in pkgutil.iter_modules(schemas.__path__)]
KINDS = [module for module in MODULES if hasattr(module, "ID")]


class Sample(BaseSchema):
    """A schema using every shared field."""

    title = Text(required=True, metadata=meta("标题", "标题"))
    body = LongText(load_default="", metadata=meta("正文", "正文"))
    day = Date(required=True, metadata=meta("日期", "日期"))
    start = DateTime(load_default=None, metadata=meta("时间", "时间"))
    number = DocNumber(metadata=meta("发文字号", "发文字号"))
    count = Integer(load_default=None, metadata=meta("人数", "人数"))
    tel = Phone(load_default="", metadata=meta("电话", "电话"))
    people = People(required=True, min_items=1, max_items=5, metadata=meta("人员", "人员"))
    tags = List(Name(metadata=meta("名称", "名称")), metadata=meta("名称", "名称"))


VALID = {"title": "会议", "day": "2026-03-05", "people": [{"name": "王喆"}]}


def problems(payload, schema=Sample) -> dict[str, str]:
    """The errors of validating ``payload``, as {path: message}."""
    data, errors = validate(schema, payload)
    assert data is None
    return {error["path"]: error["message"] for error in errors}


# ------------------------------------------------------------------ validate()


def test_valid_payload_loads_with_defaults():
    """Optional fields load as "", [] or None."""
    data, errors = validate(Sample, VALID)
    assert errors == []
    assert data == {
        "title": "会议", "body": "", "day": "2026-03-05", "start": None, "number": None, "count": None,
        "tel": "", "people": [{"name": "王喆", "post": ""}], "tags": [],
    }


def test_loaded_data_is_json_and_validates_to_itself():
    """Loaded data is normalised JSON that validates again unchanged."""
    data, _ = validate(Sample, {**VALID, "start": "2026-03-05 14:30:00", "count": 3})
    assert data["start"] == "2026-03-05T14:30"
    assert validate(Sample, json.loads(json.dumps(data))) == (data, [])


def test_missing_required_fields_are_all_reported_in_declaration_order():
    """Every missing required field is reported at once, in form order."""
    _, errors = validate(Sample, {})
    assert errors == [
        {"path": "title", "message": "此项必填"},
        {"path": "day", "message": "此项必填"},
        {"path": "people", "message": "此项必填"},
    ]


@pytest.mark.parametrize("payload", [[], "text", 3, None, [VALID]])
def test_payload_that_is_not_an_object_gives_one_error_at_the_root(payload):
    """A payload that is not an object gives a single error at path ""."""
    assert validate(Sample, payload) == (None, [{"path": "", "message": "数据应为JSON对象（{…}）"}])


def test_unknown_fields_are_rejected_at_any_depth():
    """Undeclared fields are errors, at the top and inside lists."""
    found = problems({**VALID, "secret": "机密", "people": [{"name": "王喆", "rank": 1}]})
    assert found == {"people[0].rank": "本文书没有这一项（未知字段）", "secret": "本文书没有这一项（未知字段）"}


def test_nested_paths_use_zero_based_indexes_and_dots():
    """Paths read attendees[3].name."""
    people = [{"name": "甲"}, {"name": "乙"}, {"name": "丙"}, {"post": "委员"}]
    assert problems({**VALID, "people": people}) == {"people[3].name": "此项必填"}


def test_errors_come_back_in_the_same_order_every_time():
    """Errors are sorted by form order, unknown fields last, deterministically."""
    payload = {"zzz": 1, "people": [{}, "x"], "day": "bad", "title": 5, "aaa": 2}
    first = validate(Sample, payload)[1]
    assert [error["path"] for error in first] == ["title", "day", "people[0].name", "people[1]", "aaa", "zzz"]
    assert all(validate(Sample, payload)[1] == first for _ in range(5))


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        ({"title": 5}, "title", "应为文字（字符串）"),
        ({"title": "   "}, "title", "不能为空白"),
        ({"title": None}, "title", "不能为空值（null）"),
        ({"title": "第一行\n第二行"}, "title", "此项只能填写一行，不能换行"),
        ({"people": "王喆"}, "people", "应为列表（[…]）"),
        ({"people": []}, "people", "不能为空，至少填写1项"),
        ({"people": [{"name": "甲"}] * 6}, "people", "最多填写5项（现有6项）"),
        ({"people": ["王喆"]}, "people[0]", "应为对象（{…}）"),
        ({"count": "3"}, "count", "应为整数"),
        ({"count": 2.5}, "count", "应为整数"),
        ({"count": True}, "count", "应为整数"),
        ({"tags": ["a", 1]}, "tags[1]", "应为文字（字符串）"),
    ],
)
def test_wrong_values_give_chinese_errors(changes, path, message):
    """Wrong types, blanks and list sizes give Chinese messages."""
    assert problems({**VALID, **changes}) == {path: message}


def test_problem_tree_nests_paths_through_list_indexes_in_any_order():
    """A path ending where another continues keeps its messages under _schema, as marshmallow does."""
    expected = {"people": {"_schema": ["名单有误"], 3: {"name": ["重复", "太长"]}}, "title": ["必填"]}
    problems = [(("people", 3, "name"), "重复"), (("people",), "名单有误"), (("title",), "必填"),
                (("people", 3, "name"), "太长")]
    assert problem_tree(problems) == expected
    assert problem_tree([problems[1], problems[0], problems[2], problems[3]]) == expected


class Checked(BaseSchema):
    """A schema whose cross-field check records what it was given."""

    seen: ClassVar[list] = []
    people = People(required=True, metadata=meta("人员", "人员"))
    tags = List(Name(metadata=meta("名称", "名称")), metadata=meta("名称", "名称"))

    @validates_schema(skip_on_field_errors=False)
    def _record(self, data: dict, **kwargs) -> None:
        """Remember the data the check saw."""
        self.seen.append(data)


def test_cross_field_checks_see_only_fields_that_loaded_completely():
    """A list with a broken entry is absent from the data cross-field checks see, not partly there."""
    Checked.seen.clear()
    payload = {"people": [{"name": "甲"}, {"post": "委员"}], "tags": ["甲", 5, "乙"]}
    assert list(problems(payload, Checked)) == ["people[1].name", "tags[1]"]
    assert Checked.seen == [{}]
    assert validate(Checked, {"people": [{"name": "甲"}], "tags": ["乙"]})[1] == []
    assert Checked.seen[-1] == {"people": [{"name": "甲", "post": ""}], "tags": ["乙"]}


# ------------------------------------------------------------------ text


BAD_CHARS = ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\x0e", "\x1f", "\ufffe", "\uffff", "\ud800", "\udfff"]


@pytest.mark.parametrize("char", BAD_CHARS)
def test_characters_word_cannot_hold_are_errors_naming_the_character(char):
    """Control characters are errors naming the code point and position."""
    found = problems({**VALID, "body": f"第一段{char}第二段"})
    assert found == {"body": f"含有Word文档无法保存的控制字符 U+{ord(char):04X}（第4个字符），请删除后重试"}


def test_tabs_newlines_and_unusual_text_are_kept_exactly():
    """Tabs, newlines, markup, template syntax, emoji and rare characters load as typed."""
    body = "甲\t乙\r\n丙\n& < > \" ' {{ x }} {% if %} 😀 喆堃赟"
    data, errors = validate(Sample, {**VALID, "body": body, "title": "{{ title }} & <b>"})
    assert errors == []
    assert data["body"] == body and data["title"] == "{{ title }} & <b>"


def test_a_ten_thousand_character_text_is_too_long():
    """A 10,000-character text exceeds every text limit."""
    assert problems({**VALID, "body": "字" * 10_000}) == {"body": "不能超过5000个字符（现有10000个）"}
    assert problems({**VALID, "title": "字" * 10_000}) == {"title": "不能超过100个字符（现有10000个）"}


def test_whole_numbers_written_with_a_fraction_load_as_integers():
    """3.0 is the integer 3, as JSON Schema's "integer" has it."""
    data, errors = validate(Sample, {**VALID, "count": 3.0})
    assert errors == [] and data["count"] == 3 and isinstance(data["count"], int)


def test_empty_or_null_optional_fields_load_their_defaults():
    """"" and null in optional fields mean 'not given'."""
    data, errors = validate(Sample, {**VALID, "start": "", "number": "", "count": None, "tags": None, "tel": None})
    assert errors == []
    assert (data["start"], data["number"], data["count"], data["tags"], data["tel"]) == (None, None, None, [], "")


# ------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026/03/05", "日期格式应为“2026-03-05”"),
        ("2026-3-5", "日期格式应为“2026-03-05”"),
        ("20260305", "日期格式应为“2026-03-05”"),
        ("2026-03-05T14:30", "日期格式应为“2026-03-05”"),
        (20260305, "日期格式应为“2026-03-05”"),
        ("2026-02-30", "没有这个日期或时间：2026-02-30"),
        ("1999-12-31", "日期应在2000年至2099年之间"),
        ("2100-01-01", "日期应在2000年至2099年之间"),
    ],
)
def test_bad_dates(value, message):
    """Dates must be real YYYY-MM-DD days between 2000 and 2099."""
    assert problems({**VALID, "day": value}) == {"day": message}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-03-05", "日期时间格式应为“2026-03-05T14:30”"),
        ("2026-03-05T14", "日期时间格式应为“2026-03-05T14:30”"),
        ("2026-03-05T14:30+08:00", "日期时间格式应为“2026-03-05T14:30”"),
        ("2026-03-05T25:00", "没有这个日期或时间：2026-03-05T25:00"),
    ],
)
def test_bad_date_times(value, message):
    """Date-times must be real local YYYY-MM-DDTHH:MM times."""
    assert problems({**VALID, "start": value}) == {"start": message}


@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_required_date_or_time_is_missing_not_misshapen(value):
    """A required date or date-time left empty (a blank form input) says 此项必填, not what shape it should have."""
    assert problems({**VALID, "day": value}) == {"day": "此项必填"}
    minutes = Catalog().get("meeting-minutes")
    errors = minutes.check({**minutes.example(), "start": value}).errors
    assert errors == [{"path": "start", "message": "此项必填"}]


# ------------------------------------------------------------------ phone numbers


@pytest.mark.parametrize(
    "tel", ["13812345678", "199 1234 5678", "010-68371234", "0755-12345678", "+92 51 2345678", "+86 10 12308"]
)
def test_good_phone_numbers(tel):
    """Mobile, landline and international numbers are accepted."""
    assert validate(Sample, {**VALID, "tel": tel})[1] == []


@pytest.mark.parametrize(
    "tel", ["12812345678", "1381234567", "68371234", "+0 123456", "010--68371234", "电话", "+92 51 2345678 转 8"]
)
def test_bad_phone_numbers(tel):
    """Malformed telephone numbers are rejected."""
    assert list(problems({**VALID, "tel": tel})) == ["tel"]


# ------------------------------------------------------------------ 发文字号


@pytest.mark.parametrize("number", ["中心党总支〔2026〕3号", "中心党总支证〔2026〕12号", "综合支部纪〔2030〕105号"])
def test_good_document_numbers(number):
    """Well-formed 发文字号 are accepted."""
    assert validate(Sample, {**VALID, "number": number})[1] == []


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("中心党总支[2026]3号", "年份应使用六角括号〔〕"),
        ("中心党总支（2026）3号", "年份应使用六角括号〔〕"),
        ("中心党总支2026年3号", "年份应使用六角括号〔〕"),
        ("中心党总支〔2026〕第3号", "序号前不加“第”"),
        ("中心党总支〔26〕3号", "年份应写全4位数字"),
        ("中心党总支〔二〇二六〕3号", "年份应写全4位数字"),
        ("中心党总支〔2026〕03号", "序号不编虚位，不加前导0（写“3号”，不写“03号”）"),
        ("中心党总支〔2026〕3", "应以“号”结尾"),
        ("〔2026〕3号", "格式不对"),
    ],
)
def test_bad_document_numbers(number, problem):
    """Each common 发文字号 mistake gets its own message."""
    assert problems({**VALID, "number": number}) == {"number": f"发文字号{problem}，如“中心党总支〔2026〕3号”"}


def test_numbering_formats_and_parses_numbers():
    """format() and parse() are inverse; parse() rejects non-numbers."""
    assert Numbering.format("中心党总支", 2026, 3) == "中心党总支〔2026〕3号"
    assert Numbering.parse("中心党总支证〔2026〕12号") == ("中心党总支证", 2026, 12)
    for bad in ["中心党总支〔2026〕03号", "中心党总支〔2026〕第3号", "", "3号"]:
        with pytest.raises(ValueError):
            Numbering.parse(bad)


def test_numbering_series_and_year_come_from_the_data():
    """The series comes from the unit's 机关代字 and suffix, the year from the date."""
    by_unit = Numbering(field="number", date_field="date", unit_field="unit", suffix="纪")
    assert by_unit.series({"unit": "仿真评估处党支部"}) == "仿真支部纪"
    assert by_unit.year({"date": "2027-01-02"}) == 2027
    assert Numbering(field="number", date_field="date").series({}) == "中心党总支"


# ------------------------------------------------------------------ published JSON Schema


def test_spelled_out_white_space_is_what_strip_removes():
    """SPACES and BREAKS hold the white space str.strip() removes, less what Word cannot save."""
    for char in map(chr, range(0x10000)):
        if "\ud800" <= char <= "\udfff":
            continue
        savable = not BAD_XML_CHARS.match(char)
        assert bool(re.fullmatch(checks.VISIBLE, char)) == (savable and not char.isspace()), hex(ord(char))
        assert bool(re.fullmatch(f"[{checks.SPACES}{checks.BREAKS}]", char)) == (savable and char.isspace())


def test_date_patterns_hold_exactly_the_days_that_load():
    """The published date and date-time patterns allow every real day of 2000–2099 and nothing else."""
    date, moment = Date(), DateTime()
    for year, month, day in itertools.product(range(1999, 2101), range(14), range(33)):
        text = f"{year:04d}-{month:02d}-{day:02d}"
        try:
            date.deserialize(text)
            loads = True
        except ValidationError:
            loads = False
        assert bool(re.fullmatch(Date.CALENDAR, text)) == loads, text
        assert bool(re.fullmatch(DateTime.CALENDAR, f"{text}T23:59")) == loads, text
    assert moment.deserialize("2026-03-05 09:05:59") == "2026-03-05T09:05"
    assert re.fullmatch(DateTime.CALENDAR, "2026-03-05 09:05:59")
    assert not any(re.fullmatch(DateTime.CALENDAR, f"2026-03-05T{time}") for time in ["24:00", "12:60", "12:00:60"])


def test_published_schema_states_the_field_rules():
    """Required texts are non-blank, optional ones take "" and null; dates, numbers and lists state their limits."""
    properties = json_schema(Sample, "样例")["properties"]
    title, body, day, start = (properties[name] for name in ("title", "body", "day", "start"))
    assert (title["type"], title["minLength"], title["maxLength"]) == ("string", 1, 100)
    assert re.search(title["pattern"], "会议") and not re.search(title["pattern"], " \u3000")
    assert not re.search(title["pattern"], "第一行\n第二行") and not re.search(title["pattern"], "会\x07议")
    assert body["type"] == ["string", "null"] and "minLength" not in body and re.search(body["pattern"], "")
    assert re.search(body["pattern"], "第一段\n第二段")
    assert (day["type"], day["format"], day["pattern"]) == ("string", "date", f"^(?:{Date.CALENDAR})$")
    assert start["type"] == ["string", "null"] and start["pattern"] == f"^(?:{DateTime.CALENDAR})?$"
    assert (properties["people"]["minItems"], properties["people"]["maxItems"]) == (1, 5)
    assert (properties["tags"]["type"], properties["tags"]["maxLength"]) == (["array", "string", "null"], 0)
    assert (properties["count"]["type"], properties["count"]["maxLength"]) == (["integer", "string", "null"], 0)
    number, tel = properties["number"]["pattern"], properties["tel"]["pattern"]
    assert re.search(number, "中心党总支〔2026〕3号") and re.search(number, "")
    assert not re.search(number, "中心党总支〔2026〕03号")
    assert re.search(tel, "010-68371234") and re.search(tel, "") and not re.search(tel, "010--68371234")


def test_published_choices_hold_empty_and_null_when_those_load_the_default():
    """An optional choice lists "" and null (both load its default); a required one only its choices."""
    member = json_schema(branch_manual.Member, "党员")["properties"]
    assert member["role"]["enum"] == [*branch_manual.ROLES, "", None]
    assert None not in member["home_branch"]["enum"] and "" not in member["home_branch"]["enum"]


# ------------------------------------------------------------------ numerals


def reference_numeral(number: int) -> str:
    """An independent spelling of 10–199 for checking cn_numeral."""
    digits = "零一二三四五六七八九"
    hundreds, rest = divmod(number, 100)
    tens, ones = divmod(rest, 10)
    if not hundreds:
        return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
    if not rest:
        return "一百"
    if not tens:
        return "一百零" + digits[ones]
    return "一百" + digits[tens] + "十" + (digits[ones] if ones else "")


@pytest.mark.parametrize("number", range(10, 200))
def test_cn_numeral_from_10_to_199(number):
    """cn_numeral agrees with an independent spelling for 10–199."""
    assert cn_numeral(number) == reference_numeral(number)


@pytest.mark.parametrize(
    ("number", "label"),
    [(10, "第十条"), (11, "第十一条"), (20, "第二十条"), (21, "第二十一条"), (100, "第一百条"),
     (101, "第一百零一条"), (110, "第一百一十条"), (119, "第一百一十九条"), (199, "第一百九十九条")],
)
def test_article_labels(number, label):
    """Article labels read 第十条, 第十一条, 第二十条, 第一百零一条."""
    assert f"第{cn_numeral(number)}条" == label


# ------------------------------------------------------------------ profile


def test_default_profile_has_the_1_7_n_organisation():
    """The packaged profile describes a 1 + 7 + N organisation and its honours."""
    assert PROFILE.organisation.name == "中心党总支"
    assert PROFILE.organisation.full_name.startswith("中共") and PROFILE.organisation.full_name.endswith("总支部委员会")
    assert len(PROFILE.branches) == 7 and len(PROFILE.overseas_branches) >= 1
    assert PROFILE.units[0] is PROFILE.organisation
    assert PROFILE.committee == "中心党总支委员会"
    assert {"月度之星", "先进团队", "优秀共产党员", "优秀党务工作者"} <= {h.name for h in PROFILE.honours}


def test_profile_is_read_from_the_file_named(tmp_path):
    """The loader reads another file when named (DOCGEN_PROFILE reaches it through the app: tests/test_config.py)."""
    text = Path(checks.__file__).with_name("profile.toml").read_text(encoding="utf-8")
    custom = tmp_path / "profile.toml"
    custom.write_text(text.replace("中心党总支", "研究院党委"), encoding="utf-8")
    assert load_profile(custom).organisation.code == "研究院党委"


def test_broken_profile_is_a_clear_error(tmp_path):
    """A profile missing keys raises ProfileError with a Chinese message."""
    broken = tmp_path / "profile.toml"
    broken.write_text('[organisation]\nname = "中共某某总支部委员会"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="组织配置文件"):
        load_profile(broken)


def test_duplicate_names_in_the_profile_are_an_error(tmp_path):
    """Two branches with the same name cannot be told apart, so the profile is refused."""
    text = Path(checks.__file__).with_name("profile.toml").read_text(encoding="utf-8")
    duplicated = tmp_path / "profile.toml"
    duplicated.write_text(text.replace("体系论证处党支部", "综合管理处党支部"), encoding="utf-8")
    with pytest.raises(ProfileError, match="组织配置中组织名称重复：综合管理处党支部"):
        load_profile(duplicated)


# ------------------------------------------------------------------ every kind


def all_fields(schema, seen=None):
    """Every field of a schema and of the schemas nested in it."""
    seen = set() if seen is None else seen
    for name, field in schema.fields.items():
        yield name, field
        for inner in (field, getattr(field, "inner", None)):
            nested = getattr(inner, "schema", None) if isinstance(inner, (ma_fields.Nested, TextOrNested)) else None
            if nested is not None and type(nested) not in seen:
                seen.add(type(nested))
                yield from all_fields(nested, seen)


def test_the_five_kinds_are_found():
    """The package holds exactly the five kinds."""
    ids = sorted(kind.ID for kind in KINDS)
    assert ids == ["branch-manual", "certificate", "commendation", "meeting-minutes", "policy"]


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.ID)
def test_kind_module_contract(kind):
    """Each kind module defines the names the catalogue reads."""
    assert kind.TITLE and kind.SUMMARY and isinstance(kind.FILENAME, str)
    assert issubclass(kind.Schema, BaseSchema)
    assert kind.NUMBERING is None or isinstance(kind.NUMBERING, Numbering)
    assert callable(kind.context) and callable(kind.warnings)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.ID)
def test_every_field_has_a_chinese_title_and_description(kind):
    """Every field, nested ones included, carries a title and a description."""
    for name, field in all_fields(kind.Schema()):
        assert field.metadata.get("title") and field.metadata.get("description"), name


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.ID)
def test_no_classification_fields(kind):
    """No kind offers a 密级 field."""
    assert not [name for name, field in all_fields(kind.Schema()) if "密级" in field.metadata["title"]]


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.ID)
def test_example_validates_to_itself_and_renders_a_plain_context(kind):
    """Each example validates without warnings, and its context is plain JSON."""
    example = json.loads((EXAMPLES / f"{kind.ID}.json").read_text(encoding="utf-8"))
    data, errors = validate(kind.Schema, example)
    assert errors == []
    assert validate(kind.Schema, json.loads(json.dumps(data))) == (data, [])
    context = kind.context(data)
    assert json.loads(json.dumps(context)) == context
    assert kind.warnings(data) == []
    stem = kind.FILENAME.format(**context)
    assert stem and "{" not in stem and any("\u4e00" <= char <= "\u9fff" for char in stem)


def published_strings(node: dict, required: bool = False):
    """(required, property) for every text of a JSON Schema at any depth; list entries count as optional."""
    kind = node.get("type")
    if kind == "string" or isinstance(kind, list) and kind[0] == "string":
        yield required, node
    for name, child in node.get("properties", {}).items():
        yield from published_strings(child, name in node.get("required", []))
    for child in [node["items"]] if "items" in node else node.get("oneOf", []):
        yield from published_strings(child)


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.ID)
def test_published_schema_requires_non_blank_texts_and_accepts_the_example(kind):
    """Every string has a pattern; required ones refuse blanks; the example and its loaded data fit."""
    published = json_schema(kind.Schema, kind.TITLE)
    strings = list(published_strings(published))
    assert strings and all("pattern" in node for _, node in strings)
    required = [node for is_required, node in strings if is_required]
    assert all(not re.search(node["pattern"], blank) for node in required for blank in ("", " \u3000"))
    assert all(node["minLength"] == 1 for node in required if "maxLength" in node)
    example = json.loads((EXAMPLES / f"{kind.ID}.json").read_text(encoding="utf-8"))
    validator = jsonschema_rs.validator_for(published, validate_formats=True)
    assert validator.is_valid(example) and validator.is_valid(validate(kind.Schema, example)[0])


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.ID)
def test_context_does_not_change_the_data(kind):
    """context() leaves the loaded data as it was."""
    example = json.loads((EXAMPLES / f"{kind.ID}.json").read_text(encoding="utf-8"))
    data, _ = validate(kind.Schema, example)
    before = json.dumps(data, sort_keys=True)
    kind.context(data)
    assert json.dumps(data, sort_keys=True) == before


def test_examples_give_numbers_except_the_certificate():
    """Numbered examples carry a number, except the certificate's."""
    for kind in KINDS:
        if kind.NUMBERING:
            example = json.loads((EXAMPLES / f"{kind.ID}.json").read_text(encoding="utf-8"))
            assert ("number" in example) == (kind.ID != "certificate"), kind.ID


def test_examples_use_rare_name_characters():
    """The examples exercise 喆, 堃 and 赟."""
    text = "".join(path.read_text(encoding="utf-8") for path in EXAMPLES.glob("*.json"))
    assert all(char in text for char in "喆堃赟")


def test_numbered_kinds_check_a_supplied_numbers_series_and_year():
    """A supplied number must carry the document's series and year."""
    for kind in KINDS:
        if not kind.NUMBERING:
            continue
        example = json.loads((EXAMPLES / f"{kind.ID}.json").read_text(encoding="utf-8"))
        data, _ = validate(kind.Schema, example)
        field, series, year = kind.NUMBERING.field, kind.NUMBERING.series(data), kind.NUMBERING.year(data)
        wrong_series = {**example, field: Numbering.format("别的机关", year, 1)}
        wrong_year = {**example, field: Numbering.format(series, year - 1, 1)}
        assert problems(wrong_series, kind.Schema) == {field: f"机关代字应为“{series}”"}
        assert problems(wrong_year, kind.Schema) == {field: f"年份应与文书日期的年份（{year}）一致"}
        assert validate(kind.Schema, {**example, field: Numbering.format(series, year, 7)})[1] == []
