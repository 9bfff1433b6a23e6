"""Sheet layouts derived from a kind's schema: the main sheet, one sheet per structured list, columns.

Derived from the marshmallow fields and their metadata alone, so a new kind needs no code here:

- scalar fields (texts, choices, dates, date-times, integers) are columns of the main sheet;
- lists of texts (or of objects with one text field) are one cell: one item per line, and for
  short one-line items (names, units) also items separated by 、;
- lists of objects (attendees, decisions, members, honours…) get a sheet of their own whose rows
  carry the document's 序号; lists inside those (honourees, articles, 款, 项) become further
  levels of the same sheet (see service/batch/rows.py for how rows nest).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from marshmallow import fields

from schemas.checks import ItemCount, OneOf, TextLength, single_line
from schemas.fields import DateTime, TextOrNested

from ..catalog import Kind

PATH_SEGMENT = re.compile(r"[^.\[\]]+|\[\d+\]")
KEY_HEADER = "序号"
ERROR_HEADER = "错误"
EXAMPLE_KEY = "示例"
NAME_ITEM_LENGTH = 100
MAX_SHEET_NAME = 31


class LayoutError(ValueError):
    """A schema holds a shape the sheet layout cannot express."""


@dataclass(frozen=True)
class Column:
    """One column: a scalar field, a list of texts in one cell, or the index of a list level.

    `kind` is text, date, datetime, integer, lines (one item per line), names (lines or 、),
    index (tells list items apart) or key (the document's 序号); `wrap` names the only field
    of objects a one-cell list holds.
    """

    header: str
    key: str | None
    kind: str
    required: bool = False
    description: str = ""
    choices: tuple[str, ...] = ()
    wrap: str | None = None

    @property
    def label(self) -> str:
        """The header as written: required columns end with *."""
        return f"{self.header}*" if self.required else self.header


KEY_COLUMN = Column(KEY_HEADER, None, "key", description="文书的序号（如1、2、3），子表中的行按序号对应到主表的文书；示例行为“示例”，读取时忽略")


@dataclass(frozen=True)
class Level:
    """The items of one list in a sub-sheet: their columns and, for nested lists, the level below.

    `shape` is object (an item is an object: its scalar fields are columns and at most one list
    is the next level), list (an item is itself a list: the index column tells items apart) or
    value (an item is one text).
    """

    title: str
    shape: str
    columns: tuple[Column, ...]
    child_key: str | None = None
    child: Level | None = None

    def chain(self) -> list[Level]:
        """This level and every level below it, top first."""
        return [self, *(self.child.chain() if self.child else [])]


@dataclass(frozen=True)
class SubSheet:
    """A structured list of the document on its own sheet, each row keyed by the document's 序号."""

    name: str
    key: str
    required: bool
    description: str
    root: Level

    @cached_property
    def levels(self) -> list[Level]:
        """The sheet's levels, top first."""
        return self.root.chain()

    @cached_property
    def columns(self) -> list[Column]:
        """序号, then every level's columns."""
        return [KEY_COLUMN, *(column for level in self.levels for column in level.columns)]


@dataclass(frozen=True)
class Layout:
    """Every sheet of a kind's workbook."""

    kind_id: str
    name: str
    main_columns: tuple[Column, ...]
    subsheets: tuple[SubSheet, ...]

    def label(self, path: str) -> str:
        """A data path in Chinese: attendees[3].name → 出席人员 第4项 姓名; chapters[0].articles[2] → 章 第1章 第3条."""
        segments = PATH_SEGMENT.findall(path)
        if not segments:
            return ""
        sheet = next((sheet for sheet in self.subsheets if sheet.key == segments[0]), None)
        if sheet is None:
            column = next((c for c in self.main_columns if c.key == segments[0]), None)
            return " ".join([column.header if column else segments[0],
                             *(_ordinal("", s) if s.startswith("[") else s for s in segments[1:])])
        words, level = [sheet.name], sheet.root
        for segment in segments[1:]:
            if segment.startswith("["):
                words.append(_ordinal(level.title, segment))
                level = level.child if level.shape == "list" else level
            elif segment == level.child_key:
                level = level.child
            else:
                words.append(next((c.header for c in level.columns if c.key == segment), segment))
        return " ".join(words)


def _ordinal(title: str, segment: str) -> str:
    """[2] → 第3条 for one-character titles (章 条 款 项), else 第3项."""
    return f"第{int(segment[1:-1]) + 1}{title if len(title) == 1 else '项'}"


def layout_of(kind: Kind) -> Layout:
    """The workbook layout of a kind, derived from its schema."""
    columns, subsheets = [KEY_COLUMN], []
    for name, field in kind.schema().fields.items():
        column = cell_column(name, field)
        if column is not None:
            columns.append(column)
        elif isinstance(field, fields.List):
            subsheets.append(SubSheet(_sheet_name(field), name, field.required, _description(field),
                                      level(_title(field), field.inner, needed=True)))
        else:
            raise LayoutError(f"{kind.id}.{name}: a {type(field).__name__} cannot be laid out in a sheet")
    found = Layout(kind.id, kind.title, tuple(columns), tuple(subsheets))
    _check_names(found)
    return found


def cell_column(name: str, field: fields.Field, needed: bool = True) -> Column | None:
    """The column of a scalar field or a one-cell list; None for a structured list.

    `needed` is False on levels a row may leave out (e.g. 项 under a 款): no * there.
    """
    required = field.required and needed
    kind = scalar_kind(field)
    if kind is not None:
        return Column(_title(field), name, kind, required, _description(field), _choices(field))
    if not isinstance(field, fields.List):
        return None
    inner, wrap = field.inner, None
    if isinstance(inner, fields.Nested) and len(inner.schema.fields) == 1:
        wrap, inner = next(iter(inner.schema.fields.items()))
    if scalar_kind(inner) != "text":
        return None
    return Column(_title(field), name, "names" if _is_name(inner) else "lines", required,
                  _description(field), wrap=wrap)


def level(title: str, item: fields.Field, needed: bool) -> Level:
    """The level holding the items of a list whose item field is `item`; `needed` if it must have items."""
    title = _title(item) or title
    if isinstance(item, (fields.Nested, TextOrNested)):
        return _object_level(title, item.schema, needed)
    if isinstance(item, fields.List):
        index = Column(f"{title}号", None, "index", description=f"区分不同的{title}：同一{title}的各行填同一个号，下一{title}换一个号；文书中的编号按顺序自动生成")
        return Level(title, "list", (index,), child=level(_title(item.inner), item.inner, needed and _needs_items(item)))
    kind = scalar_kind(item)
    if kind is None:
        raise LayoutError(f"{title}: a {type(item).__name__} cannot be laid out in a sheet")
    return Level(title, "value", (Column(title, None, kind, description=_description(item)),))


def _object_level(title: str, schema, needed: bool) -> Level:
    """A level of objects: scalar fields as columns, at most one list of objects below."""
    columns, below = [], []
    for name, field in schema.fields.items():
        column = cell_column(name, field, needed)
        if column is not None:
            columns.append(column)
        else:
            below.append((name, field))
    if len(below) > 1:
        raise LayoutError(f"{title}: only one nested list per level fits a sheet")
    if not below:
        return Level(title, "object", tuple(columns))
    child_key, child = below[0]
    return Level(title, "object", tuple(columns), child_key, level(_title(child), child.inner, needed and _needs_items(child)))


def scalar_kind(field: fields.Field) -> str | None:
    """text, date, datetime or integer for a scalar field; None otherwise."""
    if isinstance(field, fields.Date):
        return "date"
    if isinstance(field, DateTime):
        return "datetime"
    if isinstance(field, fields.String):
        return "text"
    if isinstance(field, fields.Integer):
        return "integer"
    return None


def _needs_items(field: fields.List) -> bool:
    """True if the list must hold at least one item."""
    return field.required or any(isinstance(check, ItemCount) and (check.min or 0) > 0 for check in field.validators)


def _is_name(field: fields.Field) -> bool:
    """Short one-line items (names, units) may also be separated by 、 in one cell."""
    limits = [check.max for check in field.validators if isinstance(check, TextLength) and check.max]
    return single_line in field.validators and bool(limits) and min(limits) <= NAME_ITEM_LENGTH


def _title(field: fields.Field) -> str:
    """The field's Chinese title, or "" when it has none."""
    return field.metadata.get("title", "")


def _description(field: fields.Field) -> str:
    """The field's Chinese help text."""
    return field.metadata.get("description", "")


def _choices(field: fields.Field) -> tuple[str, ...]:
    """The allowed values of a choice field; () for free text."""
    return next((tuple(check.choices) for check in field.validators if isinstance(check, OneOf)), ())


def _sheet_name(field: fields.Field) -> str:
    """A list's sheet name: its title, cut to Excel's limit."""
    return _title(field)[:MAX_SHEET_NAME]


def _check_names(layout: Layout) -> None:
    """Sheet names are unique, and so are the headers within each sheet."""
    names = [layout.name, *(sheet.name for sheet in layout.subsheets)]
    if len(set(names)) != len(names) or not all(names):
        raise LayoutError(f"{layout.kind_id}: sheet names repeat or are empty: {names}")
    for headers in ([c.header for c in layout.main_columns], *([c.header for c in s.columns] for s in layout.subsheets)):
        if len(set(headers)) != len(headers) or ERROR_HEADER in headers:
            raise LayoutError(f"{layout.kind_id}: column headers repeat: {headers}")
