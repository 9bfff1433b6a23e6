"""The form of a kind: its published JSON Schema adapted for json-editor, and its example.

The API's schema (GET /api/v1/kinds/{kind}) is the source; the form only changes how fields
are shown, using what the marshmallow fields know and JSON Schema does not say:
multi-line texts become text areas, date-times datetime-local inputs (the hints of dates
and times written as people write them: 2026年3月5日 14:30), nullable types plain
ones (an empty input means "not given"), enumerations without a default start empty on "请选择",
fields keep their declared order (propertyOrder: JSON objects may be reordered on the way)
except the document number, which the system fills in and so comes last,
and text-or-object fields (a policy's 款 and 项) always take the object form, whose fields
the published schema leaves open.
"""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, fields

from schemas.checks import single_line
from schemas.fields import Date, DateTime, TextOrNested

from ..catalog import Kind
from ..jsonschema import json_schema

CHOOSE = {"has_placeholder_option": True, "placeholder_option_text": "请选择"}
ISO_MOMENT = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}:\d{2}))?")


def _as_written(moment: re.Match) -> str:
    """An ISO date or date-time as people write it: 2026年3月5日 14:30."""
    year, month, day, time = moment.groups()
    return f"{year}年{int(month)}月{int(day)}日" + (f" {time}" if time else "")


def form_schema(kind: Kind) -> dict:
    """The kind's published JSON Schema, adapted for the form; the number the system fills in comes last."""
    schema = _adapt(kind.json_schema(), kind.schema())
    if kind.numbering is not None:
        properties = schema["properties"]
        properties[kind.numbering.field]["propertyOrder"] = len(properties) + 1
    return schema


def form_example(kind: Kind) -> dict:
    """The kind's example as the form holds it: loaded, so defaults are filled and 款 are objects."""
    return kind.check(kind.example()).data


def _adapt(node: dict, field: Any) -> dict:
    """Adapt one node of the schema, knowing the marshmallow field or schema it was made from."""
    if isinstance(field, TextOrNested):
        nested = _adapt(json_schema(type(field.schema), node.get("title", "")), field.schema)
        nested.pop("$schema", None)
        return {**nested, "description": node.get("description", "")}
    if isinstance(field, fields.Nested):
        field = field.schema
    node = {**node, **_widget(node, field)}
    if node.get("type") != "string" and node.get("maxLength") == 0:
        del node["maxLength"]  # the "" that an empty non-text input means is sent as ""; no limit to show
    if isinstance(field, Schema):
        by_key = {child.data_key or name: child for name, child in field.fields.items()}
        node["properties"] = {
            key: {**_adapt(child, by_key[key]), "propertyOrder": order}
            for order, (key, child) in enumerate(node["properties"].items(), 1)
        }
    elif isinstance(field, fields.List):
        node["items"] = _adapt(node["items"], field.inner)
        node["items"].setdefault("title", node.get("title", ""))
    return node


def _widget(node: dict, field: Any) -> dict:
    """The keys that choose how one field is shown."""
    changes: dict[str, Any] = {}
    if isinstance(node.get("type"), list):
        changes["type"] = next(kind for kind in node["type"] if kind != "null")
    if isinstance(field, (Date, DateTime)):
        changes["description"] = ISO_MOMENT.sub(_as_written, node.get("description", ""))
    if isinstance(field, DateTime):
        changes["format"] = "datetime-local"
    elif isinstance(field, fields.String) and single_line not in field.validators and "enum" not in node:
        changes["format"] = "textarea"
    if "enum" in node and "default" not in node:
        changes.update(default="", options=CHOOSE)
    return changes
