"""validate(): a payload loaded by a kind's schema, or its errors as {"path", "message"} in form order."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError

from schemas.checks import LONE_SURROGATE, MAX_ERRORS
from schemas.fields import Nested, TextOrNested
from service.engine.text import path_text


def _flatten(messages: Any, path: tuple) -> list[tuple[tuple, str]]:
    """Turn marshmallow's nested messages into (path, message) pairs; _schema stays at its parent."""
    if isinstance(messages, dict):
        return [
            pair
            for key, value in messages.items()
            for pair in _flatten(value, path if key == "_schema" else (*path, key))
        ]
    if isinstance(messages, list):
        return [pair for message in messages for pair in _flatten(message, path)]
    return [(path, str(messages))]


def _sort_key(schema: Schema, path: tuple) -> list[tuple[int, str]]:
    """Order a path by the schema's field declaration order, then by list index."""
    node: Any = schema
    key = []
    for segment in path:
        if isinstance(node, (Nested, TextOrNested)):
            node = node.schema
        if isinstance(segment, int):
            key.append((segment, ""))
            node = getattr(node, "inner", None)
            continue
        names = list(node.fields) if isinstance(node, Schema) else []
        key.append((names.index(segment) if segment in names else len(names), segment))
        node = node.fields.get(segment) if isinstance(node, Schema) else None
    return key


def capped(errors: list[dict]) -> list[dict]:
    """The first MAX_ERRORS errors, and a count of the rest: a bad request never gets a much larger answer."""
    if len(errors) <= MAX_ERRORS:
        return errors
    return [*errors[:MAX_ERRORS], {"path": "", "message": f"另有{len(errors) - MAX_ERRORS}处错误未列出，请先改正以上各处"}]


def surrogate_errors(value: Any) -> list[dict]:
    """Every key and text in JSON data holding a lone surrogate (no UTF-8 can hold one), with its path, in order."""
    errors, todo = [], [((), value)]
    while todo:  # not recursive: data nested as deep as the JSON parser allows is walked too
        path, node = todo.pop()
        if path and isinstance(path[-1], str) and LONE_SURROGATE.search(path[-1]):
            errors.append({"path": path_text(path), "message": _surrogate_message("字段名", path[-1])})
        if isinstance(node, str) and LONE_SURROGATE.search(node):
            errors.append({"path": path_text(path), "message": _surrogate_message("", node)})
        elif isinstance(node, (dict, list)):
            children = node.items() if isinstance(node, dict) else enumerate(node)
            todo.extend(reversed([((*path, key), child) for key, child in children]))
    return errors


def _surrogate_message(what: str, text: str) -> str:
    """Why a text with a lone surrogate is refused, naming the character."""
    return f"{what}含有无效的Unicode字符 U+{ord(LONE_SURROGATE.search(text).group()):04X}（孤立的代理项），请删除后重试"


def validate(schema: Schema | type[Schema], payload: Any) -> tuple[dict | None, list[dict]]:
    """Load ``payload``; on failure return (None, the errors as {"path", "message"} in form order, capped)."""
    schema = schema() if isinstance(schema, type) else schema
    if not isinstance(payload, dict):
        return None, [{"path": "", "message": "数据应为JSON对象（{…}）"}]
    try:
        return schema.load(payload), []
    except ValidationError as error:
        problems = sorted(_flatten(error.messages, ()), key=lambda pair: _sort_key(schema, pair[0]))
        return None, capped([{"path": path_text(path), "message": message} for path, message in problems])
