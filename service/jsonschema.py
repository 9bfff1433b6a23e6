"""JSON Schema (draft 2020-12) of a kind's input, generated from its marshmallow schema by apispec."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import missing
from marshmallow.validate import OneOf

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(schema_class: type, title: str, description: str = "") -> dict:
    """The schema as a self-contained JSON Schema document, nested schemas inlined."""
    plugin = MarshmallowPlugin(schema_name_resolver=lambda _schema: None)
    APISpec(title, "1", openapi_version="3.1.0", plugins=[plugin])
    plugin.converter.add_attribute_function(profile_values)
    document = plugin.converter.schema2jsonschema(schema_class)
    return {"$schema": DIALECT, "title": title, "description": description, **document}


def profile_values(converter: Any, field: Any, **kwargs: Any) -> dict:
    """What follows the profile in use, as it is now: a choice's enum ("" and null too where they load the
    default) and a text default computed from the profile (apispec leaves computed defaults out)."""
    values: dict = {}
    takes_default = not field.required and field.load_default is not missing
    if takes_default and any(isinstance(check, OneOf) for check in field.validators):
        values["enum"] = [*next(c.choices for c in field.validators if isinstance(c, OneOf)), "", None]
    if callable(field.load_default) and isinstance(default := field.load_default(), str):
        values["default"] = default
    return values
