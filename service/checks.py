"""Checks each kind's template against its data by rendering once with a recording object."""

from __future__ import annotations

from typing import Any

from marshmallow import fields

from .catalog import Kind
from .engine import Template


class Recorder:
    """Stands in for any value and records every path a template reads (`attendees[].name`)."""

    def __init__(self, path: str, seen: set[str]):
        self._path, self._seen = path, seen
        if path:
            seen.add(path)

    def _child(self, name: str) -> Recorder:
        """The recorder for a key read from this one."""
        return Recorder(f"{self._path}.{name}" if self._path else name, self._seen)

    def __getattr__(self, name: str) -> Recorder:
        """Attribute access is a key read."""
        if name.startswith("_"):
            raise AttributeError(name)
        return self._child(name)

    def __getitem__(self, key: Any) -> Recorder:
        """Item access: a string key is a key read, an index an item of a list."""
        return self._child(key) if isinstance(key, str) else Recorder(f"{self._path}[]", self._seen)

    def __iter__(self):
        """A loop sees one item."""
        return iter([Recorder(f"{self._path}[]", self._seen)])

    def __len__(self) -> int:
        """Lists look one item long."""
        return 1

    def __bool__(self) -> bool:
        """Conditions take their true branch, so every tag is reached."""
        return True

    def __str__(self) -> str:
        """Printed values are empty."""
        return ""

    def __eq__(self, other: object) -> bool:
        """Comparisons are never true, so `if x == 'a'` takes the else branch too."""
        return False

    __hash__ = object.__hash__


def record_paths(template: Template) -> set[str]:
    """Every data path a template reads, with list items as `[]`."""
    seen: set[str] = set()
    context = {name: Recorder(name, seen) for name in template.variables()}
    template.render(context)
    return seen


def _value_paths(value: Any, path: str, out: set[str]) -> None:
    """Collect the paths of a context value (dicts and lists, recursively)."""
    if path:
        out.add(path)
    if isinstance(value, dict):
        for key, item in value.items():
            _value_paths(item, f"{path}.{key}" if path else key, out)
    elif isinstance(value, list):
        for item in value:
            _value_paths(item, f"{path}[]", out)


def _schema_paths(schema: Any, path: str, out: set[str]) -> None:
    """Collect the paths a schema can produce, optional fields included."""
    for name, field in schema.fields.items():
        key = f"{path}.{name}" if path else name
        out.add(key)
        while isinstance(field, fields.List):
            key, field = f"{key}[]", field.inner
            out.add(key)
        if isinstance(field, fields.Nested):
            _schema_paths(field.schema, key, out)


def available_paths(kind: Kind) -> set[str]:
    """Paths the template may read: the schema's fields and the example's derived context."""
    out: set[str] = set()
    _schema_paths(kind.schema(), "", out)
    _value_paths(kind.context(kind.check(kind.example()).data), "", out)
    return out


def unknown_paths(kind: Kind, template: Template | None = None) -> list[str]:
    """Paths a template (the kind's shipped one by default) reads that neither the schema nor the
    derived context provide."""
    available = available_paths(kind)
    read = record_paths(template or kind.template)
    return sorted(path for path in read if path not in available and not _is_method(path, available))


def _is_method(path: str, available: set[str]) -> bool:
    """`names.items` style reads on a known value (dict methods in templates) are allowed."""
    parent, _, leaf = path.rpartition(".")
    return parent in available and leaf in {"items", "keys", "values", "get"}
