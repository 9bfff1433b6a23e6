"""Sheet layouts come from the schemas alone: columns, sub-sheets, levels, labels."""

from __future__ import annotations

import pytest
from marshmallow import fields

from schemas.fields import BaseSchema, List, Nested, Text, meta
from service.batch.layout import KEY_HEADER, LayoutError, layout_of

from .conftest import KINDS, kind, layout


def headers(columns) -> list[str]:
    """The header labels of some columns."""
    return [column.label for column in columns]


@pytest.mark.parametrize("kind_id", KINDS)
def test_every_kind_has_a_layout_keyed_by_its_number(kind_id):
    """Every kind lays out; each sheet starts with 序号 and sheet names are the Chinese titles."""
    found = layout(kind_id)
    assert found.name == kind(kind_id).title
    assert all(sheet.columns[0].header == KEY_HEADER for sheet in found.subsheets)
    assert found.main_columns[0].header == KEY_HEADER


def test_certificate_is_one_flat_sheet_with_choices_and_a_date():
    """Scalars only: required headers carry *, choices come from the profile, dates are dates."""
    found = layout("certificate")
    assert headers(found.main_columns) == ["序号", "证书编号", "获奖者*", "所在单位", "荣誉称号*", "评选期间*", "事迹*", "颁发单位", "颁发日期*"]
    honour = next(c for c in found.main_columns if c.key == "honour")
    assert "月度之星" in honour.choices and honour.kind == "text"
    assert next(c for c in found.main_columns if c.key == "date").kind == "date"
    assert found.subsheets == ()


def test_minutes_put_people_and_decisions_on_their_own_sheets():
    """Lists of objects get sheets; lists of texts stay in one cell; names may use 、."""
    found = layout("meeting-minutes")
    assert [s.name for s in found.subsheets] == ["出席人员", "请假人员", "列席人员", "议定事项"]
    kinds = {c.key: c.kind for c in found.main_columns}
    assert kinds["topics"] == "lines" and kinds["distribution"] == "names" and kinds["start"] == "datetime"
    assert headers(found.subsheets[3].columns) == ["序号", "议定事项*", "责任人*", "完成时限*"]


def test_policy_flattens_chapters_articles_clauses_and_items():
    """章 → 条 → 款 → 项 (→ 目 in one cell): one sheet, 条号 tells articles apart, * only where always needed."""
    chapters = next(s for s in layout("policy").subsheets if s.key == "chapters")
    assert [level.title for level in chapters.levels] == ["章", "条", "款", "项"]
    assert [level.shape for level in chapters.levels] == ["object", "list", "object", "object"]
    assert headers(chapters.columns) == ["序号", "章名*", "条号", "款*", "项", "目"]


def test_commendation_lists_honourees_under_their_honour():
    """A list inside a list item becomes the next level of the same sheet."""
    honours = layout("commendation").subsheets[0]
    assert headers(honours.columns) == ["序号", "荣誉称号*", "姓名或团队名称*", "所在单位"]
    assert honours.levels[1].title == "获奖名单"


def test_labels_name_paths_in_chinese():
    """Error paths read as Chinese positions."""
    assert layout("meeting-minutes").label("attendees[3].name") == "出席人员 第4项 姓名"
    assert layout("policy").label("chapters[0].articles[2][0].text") == "章 第1章 第3条 第1款 款"
    assert layout("meeting-minutes").label("topics[1]") == "会议议题 第2项"


_TWO_FIELDS = BaseSchema.from_dict({"a": Text(metadata=meta("甲", "")), "b": Text(metadata=meta("乙", ""))})


class _Pair(BaseSchema):
    """An object holding two lists of objects, which one sheet cannot hold."""

    left = List(Nested(_TWO_FIELDS), metadata=meta("左", ""))
    right = List(Nested(_TWO_FIELDS), metadata=meta("右", ""))


class _Odd:
    """A stand-in kind whose schema has a shape sheets cannot express."""

    id, title = "odd", "怪表"

    def __init__(self, schema):
        """Wrap a schema instance."""
        self._schema = schema

    def schema(self):
        """The schema instance."""
        return self._schema


def test_unsupported_shapes_are_refused_clearly():
    """Two nested lists in one item, or a lone nested object, raise LayoutError."""
    two_lists = BaseSchema.from_dict({"pairs": List(Nested(_Pair), metadata=meta("对", ""))})()
    lone_object = BaseSchema.from_dict({"thing": fields.Nested(_Pair)})()
    for schema in (two_lists, lone_object):
        with pytest.raises(LayoutError):
            layout_of(_Odd(schema))
