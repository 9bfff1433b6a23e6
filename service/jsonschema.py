"""JSON Schema (draft 2020-12) of a kind's input, generated from its marshmallow schema by apispec."""

from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(schema_class: type, title: str, description: str = "") -> dict:
    """The schema as a self-contained JSON Schema document, nested schemas inlined."""
    plugin = MarshmallowPlugin(schema_name_resolver=lambda _schema: None)
    APISpec(title, "1", openapi_version="3.1.0", plugins=[plugin])
    document = plugin.converter.schema2jsonschema(schema_class)
    return {"$schema": DIALECT, "title": title, "description": description, **document}
