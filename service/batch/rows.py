"""How the items of a structured list lie in a sheet's rows, written and read back.

Writing: an item's own cells go on the first row of its part of the sheet; the level below fills
that row and the following ones, so a 款 and its first 项 share a row. Reading: a row reaches
down to the deepest level it fills, where it always starts a new item; a level above starts a
new item only where the row fills it with something other than the item in progress. A blank
cell (or a merged one) there means "the same as above". A list level's index column (条号)
tells its items apart, since they have no text of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .cells import CellError
from .layout import Column, Level


@dataclass(frozen=True)
class Placed:
    """A value written into a row's column and the data paths it shows (for marking errors)."""

    column: Column
    value: Any
    paths: tuple[str, ...]


@dataclass
class Item:
    """An item being read: its level's cell values and the items below it."""

    values: dict[Column, Any]
    key: tuple
    children: list[Item] = field(default_factory=list)


def placed_rows(level: Level, items: Any, path: str, counters: dict | None = None) -> list[list[Placed]]:
    """The rows showing a list's items (a payload may hold anything, so odd values show nothing)."""
    counters = {} if counters is None else counters
    rows: list[list[Placed]] = []
    for index, item in enumerate(items if isinstance(items, list) else []):
        item_path = f"{path}[{index}]"
        below = _below(level, item)
        child_rows = placed_rows(level.child, below, _child_path(level, item_path), counters) if level.child else []
        rows.append(_own(level, item, item_path, counters) + (child_rows[0] if child_rows else []))
        rows.extend(child_rows[1:])
    return rows


def _own(level: Level, item: Any, path: str, counters: dict) -> list[Placed]:
    """The cells of an item itself: its index, its value or its object's scalar fields."""
    if level.shape == "list":
        counters[level.title] = counters.get(level.title, 0) + 1
        return [Placed(level.columns[0], counters[level.title], (path,))]
    if level.shape == "value":
        return [Placed(level.columns[0], item, (path,))]
    values = _as_object(level, item)
    return [Placed(column, values.get(column.key), (f"{path}.{column.key}",) + ((path,) if index == 0 else ()))
            for index, column in enumerate(level.columns)]


def _as_object(level: Level, item: Any) -> dict:
    """An object item; plain text stands for {"text": …} where the level has a text column."""
    if isinstance(item, dict):
        return item
    if isinstance(item, str) and any(column.key == "text" for column in level.columns):
        return {"text": item}
    return {}


def _below(level: Level, item: Any) -> Any:
    """The item's own list, shown by the level below."""
    if level.shape == "list":
        return item
    return _as_object(level, item).get(level.child_key) if level.child_key else None


def _child_path(level: Level, path: str) -> str:
    """The data path of the item's own list."""
    return path if level.shape == "list" else f"{path}.{level.child_key}"


def nest(levels: list[Level], rows: list[dict[Column, Any]]) -> list[Item]:
    """The top-level items of a sheet's rows for one document (rows as {column: value})."""
    roots: list[Item] = []
    current: list[Item | None] = [None] * len(levels)
    for row in rows:
        depth = max((i for i, level in enumerate(levels) if _fills(level, row)), default=-1)
        for i in range(depth + 1):
            values = {column: row.get(column) for column in levels[i].columns}
            key = tuple(_hashable(value) for value in values.values())
            item = current[i]
            if i == depth or item is None or (_fills(levels[i], row) and key != item.key):
                item = Item(values, key)
                (roots if i == 0 else current[i - 1].children).append(item)
                current[i:] = [item] + [None] * (len(levels) - i - 1)
    return roots


def _fills(level: Level, row: dict[Column, Any]) -> bool:
    """True if the row has a value in any of the level's columns."""
    return any(row.get(column) is not None for column in level.columns)


def _hashable(value: Any) -> Any:
    """A value usable in a key: lists and objects frozen."""
    if isinstance(value, list):
        return tuple(_hashable(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((key, _hashable(item)) for key, item in value.items()))
    return value


def to_data(level: Level, items: list[Item], path: str, errors: list[dict]) -> list:
    """The JSON list the items stand for; unusable cells become errors at their data paths."""
    return [_data(level, item, f"{path}[{index}]", errors) for index, item in enumerate(items)]


def _data(level: Level, item: Item, path: str, errors: list[dict]) -> Any:
    """One item as JSON."""
    if level.shape == "list":
        return to_data(level.child, item.children, path, errors)
    if level.shape == "value":
        return usable(item.values[level.columns[0]], path, errors)
    found = fields_of(item.values, path, errors)
    if item.children:
        found[level.child_key] = to_data(level.child, item.children, f"{path}.{level.child_key}", errors)
    return found


def fields_of(values: dict[Column, Any], path: str, errors: list[dict]) -> dict:
    """An object's fields from its columns' values; blank cells are left out (defaults apply)."""
    found = {}
    for column, value in values.items():
        if column.key is None:
            continue
        value = usable(value, f"{path}.{column.key}" if path else column.key, errors)
        if value is not None:
            found[column.key] = value
    return found


def usable(value: Any, path: str, errors: list[dict]) -> Any:
    """The value, or None after recording its cell's error at `path`."""
    if isinstance(value, CellError):
        errors.append({"path": path, "message": value.message})
        return None
    return value
