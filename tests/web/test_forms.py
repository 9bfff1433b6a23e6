"""The form schema: the published JSON Schema of each kind, adapted for json-editor."""

from __future__ import annotations

import pytest

from service.catalog import Catalog
from service.web.forms import CHOOSE, form_example, form_schema

CATALOG = Catalog()


def properties(kind_id: str) -> dict:
    """The top-level fields of a kind's form schema."""
    return form_schema(CATALOG.get(kind_id))["properties"]


def test_fields_are_shown_as_their_marshmallow_fields_ask():
    """Date-times get datetime-local, multi-line texts text areas, one-line texts plain inputs."""
    fields = properties("meeting-minutes")
    assert fields["start"]["format"] == "datetime-local"
    assert fields["discussion"]["format"] == "textarea"
    assert fields["decisions"]["items"]["properties"]["deadline"]["format"] == "date"
    assert "format" not in fields["title"]
    assert "format" not in fields["organisation"]


def test_nullable_fields_become_plain_types():
    """["string", "null"] becomes "string": an empty input already means "not given"."""
    fields = properties("meeting-minutes")
    assert fields["number"]["type"] == "string"
    assert fields["committee_size"]["type"] == "integer"


def test_choices_without_a_default_start_empty_on_a_placeholder():
    """The organisation must be chosen on purpose; a choice with a default keeps it."""
    organisation = properties("meeting-minutes")["organisation"]
    assert organisation["options"] == CHOOSE and organisation["default"] == ""
    role = properties("branch-manual")["members"]["items"]["properties"]["role"]
    assert role["default"] == "党员" and "options" not in role


def test_fields_keep_their_declared_order_but_the_number_comes_last():
    """propertyOrder numbers the fields as the schema declares them, except the number the system fills in."""
    fields = properties("meeting-minutes")
    shown = sorted(fields, key=lambda key: fields[key]["propertyOrder"])
    assert shown == [key for key in fields if key != "number"] + ["number"]
    assert list(fields)[:3] == ["organisation", "meeting_type", "number"]
    assert sorted(field["propertyOrder"] for field in fields.values()) == [*range(1, 3), *range(4, len(fields) + 2)]


def test_date_hints_are_written_as_people_write_them():
    """The form's hints say 2026年3月5日 14:30 where the published schema says 2026-03-05T14:30."""
    fields = properties("meeting-minutes")
    assert fields["start"]["description"] == "如：2026年3月5日 14:30"
    assert fields["decisions"]["items"]["properties"]["deadline"]["description"] == "如：2026年3月31日"
    assert CATALOG.get("meeting-minutes").json_schema()["properties"]["start"]["description"] == "如：2026-03-05T14:30"


def test_list_items_are_named_after_their_list():
    """Rows of attendees are titled 出席人员 (so the button reads 添加出席人员)."""
    assert properties("meeting-minutes")["attendees"]["items"]["title"] == "出席人员"


def test_clauses_and_items_of_a_policy_take_their_object_form():
    """款 and 项 are objects with text and items, so their fields can be edited."""
    clause = properties("policy")["chapters"]["items"]["properties"]["articles"]["items"]["items"]
    assert clause["type"] == "object" and clause["required"] == ["text"]
    assert clause["properties"]["text"]["format"] == "textarea"
    item = clause["properties"]["items"]["items"]
    assert set(item["properties"]) == {"text", "items"}
    assert item["properties"]["items"]["items"]["type"] == "string"
    assert "$schema" not in clause and "oneOf" not in clause


@pytest.mark.parametrize("kind", list(CATALOG), ids=lambda kind: kind.id)
def test_the_example_fills_every_field_and_is_valid(kind):
    """The form's example holds every top-level field (json-editor drops absent ones) and validates."""
    data = form_example(kind)
    assert set(data) == set(form_schema(kind)["properties"])
    assert kind.check(data).errors == []
