"""Reads an uploaded workbook into documents: openpyxl streaming, sub-sheets joined by 序号.

Sheets are found by name (the main sheet, failing that, the first visible worksheet that is not
one of the kind's sub-sheets, e.g. a sheet LibreOffice made from a CSV); hidden sheets with
other names (such as the choice lists) are ignored. Columns are found by header, so they may be
reordered; unknown columns, the report's 错误 column and cell comments are ignored.

Formulas count with their cached value; a formula without one, or an error value such as #REF!,
is an error of that cell. A merged range's value counts for every row it spans (in its first
column). The example row (序号 “示例”) is skipped.
"""

from __future__ import annotations

import bisect
import datetime as dt
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree
from openpyxl import load_workbook
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries

from . import cells
from .cells import CellError, Raw
from .layout import ERROR_HEADER, EXAMPLE_KEY, KEY_COLUMN, Column, Layout
from .rows import fields_of, nest, to_data

MAX_SHEET_ROWS = 100_000
SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
CELL, ROW, MERGE, FORMULA, VALUE = (f"{SHEET_NS}{tag}" for tag in ("c", "row", "mergeCell", "f", "v"))
UNCACHED = "公式没有计算结果（表格由程序生成、未经 Excel 计算）：请在 Excel 中打开并保存后再上传，或直接填写数值"
ERROR_VALUE = "单元格为错误值 {value}：请修正公式或直接填写"
EXTRA_TAGS = re.compile(rb"<(\w+:)?(f[ >/]|mergeCell[ >/])")


class SheetError(ValueError):
    """The workbook as a whole cannot be read as this kind's sheet; `message` is Chinese."""

    def __init__(self, message: str):
        """Keep the Chinese message."""
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SheetDocument:
    """One document read from the main sheet: its row, 序号, payload and the cells that failed."""

    row: int
    key: str | None
    payload: dict
    errors: list[dict]


class Reading:
    """The documents of a workbook, read lazily; `problems` lists rows that belong to no document."""

    def __init__(self, layout: Layout, data: bytes, max_documents: int):
        """Open the workbook and read the sub-sheets, grouped by 序号; the main sheet waits."""
        self.layout, self.max_documents = layout, max_documents
        self.problems: list[dict] = []
        try:
            self.book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # untrusted input: openpyxl raises many kinds of errors
            raise SheetError("无法读取工作簿：文件内容已损坏。请在 Excel 中打开、另存为 .xlsx 后重新上传。") from None
        self.archive = zipfile.ZipFile(io.BytesIO(data))
        self.groups = {sheet.key: self._group(sheet.name, sheet.columns) for sheet in layout.subsheets}

    def __iter__(self) -> Iterator[SheetDocument]:
        """Each document of the main sheet in row order, then note sub-sheet rows nobody claimed."""
        seen: dict[str, int] = {}
        rows = self._rows(self._main_sheet(), self.layout.main_columns, required=True)
        for count, (number, values) in enumerate(rows, 1):
            if count > self.max_documents:
                raise SheetError(f"一次最多生成 {self.max_documents} 份文书，请分成几个表格上传。")
            yield self._document(number, values, seen)
        self._note_orphans()
        self.book.close()

    def _document(self, number: int, values: dict[Column, Any], seen: dict[str, int]) -> SheetDocument:
        """A main-sheet row with its sub-sheet rows, as a payload and the errors of its cells."""
        errors: list[dict] = []
        key = values.get(KEY_COLUMN)
        payload = fields_of(values, "", errors)
        if isinstance(key, CellError):
            errors.append({"path": "", "message": f"序号：{key.message}"})
        elif key in seen:
            errors.append({"path": "", "message": f"序号“{key}”与第{seen[key]}行重复：子表中序号为{key}的行只计入第{seen[key]}行"})
        elif key is not None:
            seen[key] = number
            for sheet in self.layout.subsheets:
                found = [row for _, row in self.groups[sheet.key].pop(key, [])]
                if found:
                    payload[sheet.key] = to_data(sheet.root, nest(sheet.levels, found), sheet.key, errors)
        return SheetDocument(number, key if isinstance(key, str) else None, payload, errors)

    def _group(self, name: str, columns: list[Column]) -> dict[str, list[tuple[int, dict]]]:
        """A sub-sheet's rows by 序号 (with their row numbers); rows without one are problems."""
        groups: dict[str, list[tuple[int, dict]]] = defaultdict(list)
        if name not in self.book.sheetnames:
            return groups
        for number, values in self._rows(self.book[name], columns, required=False):
            key = values.pop(KEY_COLUMN, None)
            if isinstance(key, str):
                groups[key].append((number, values))
            else:
                self.problems.append({"sheet": name, "row": number, "message": "序号为空或有误：这一行不属于任何文书，未使用"})
        return groups

    def _note_orphans(self) -> None:
        """Sub-sheet rows whose 序号 no main-sheet row has."""
        for sheet in self.layout.subsheets:
            for key, found in self.groups[sheet.key].items():
                for number, _ in found:
                    self.problems.append({"sheet": sheet.name, "row": number,
                                          "message": f"序号“{key}”在“{self.layout.name}”表中没有对应的文书，这一行未使用"})

    def _main_sheet(self):
        """The main sheet by name, else the first visible worksheet that is not a sub-sheet."""
        if self.layout.name in self.book.sheetnames:
            return self.book[self.layout.name]
        others = {sheet.name for sheet in self.layout.subsheets}
        for sheet in self.book.worksheets:
            if sheet.sheet_state == "visible" and sheet.title not in others:
                return sheet
        raise SheetError(f"工作簿中没有“{self.layout.name}”表。")

    def _rows(self, sheet, columns: list[Column], required: bool) -> Iterator[tuple[int, dict[Column, Any]]]:
        """The sheet's non-blank rows below the header, as {column: value}."""
        extras = _extras(self.archive, sheet._worksheet_path)  # noqa: SLF001 (read-only sheets keep their part name here)
        sheet.reset_dimensions()  # some writers record wrong dimensions
        rows = sheet.iter_rows()
        by_index = _header(next(rows, ()), columns)
        if required and not any(column.key for column in by_index.values()):
            raise SheetError(f"“{sheet.title}”表第1行没有可识别的列名：请使用本服务下载的表格填写，不要修改列名。")
        count = 0
        for number, row in enumerate(rows, 2):
            values = {column: cells.read(column, extras.raw(number, index + 1, row[index] if index < len(row) else None))
                      for index, column in by_index.items()}
            if all(value is None for value in values.values()) or values.get(KEY_COLUMN) == EXAMPLE_KEY:
                continue
            count += 1
            if count > MAX_SHEET_ROWS:
                raise SheetError(f"“{sheet.title}”表超过 {MAX_SHEET_ROWS} 行，请分成几个表格上传。")
            yield number, values


def _header(row: tuple, columns: list[Column]) -> dict[int, Column]:
    """Columns by position, matched on header text (a trailing * and the 错误 column ignored)."""
    by_header = {column.header: column for column in columns}
    found: dict[int, Column] = {}
    for index, cell in enumerate(row):
        value = getattr(cell, "value", None)
        header = str(value).strip().rstrip("*＊").strip() if value is not None else ""
        column = by_header.get(header)
        if header != ERROR_HEADER and column is not None and column not in found.values():
            found[index] = column
    return found


class Extras:
    """What read-only openpyxl does not tell: merged ranges, and formulas without a cached value."""

    def __init__(self, merged: list[tuple[int, int, int, int]], uncached: set[tuple[int, int]]):
        """Index the merged ranges by their first column; remember the uncached formula cells."""
        spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for first_column, first_row, _, last_row in merged:
            spans[first_column].append((first_row, last_row))
        self.spans = {column: sorted(found) for column, found in spans.items()}
        self.starts = {column: [first for first, _ in found] for column, found in self.spans.items()}
        self.anchors: dict[tuple[int, int], Raw] = {}
        self.uncached = uncached

    def raw(self, row: int, column: int, cell: Any) -> Raw:
        """The cell as read, or for a blank cell inside a merged range, the range's first cell."""
        value = getattr(cell, "value", None)
        if (row, column) in self.uncached:
            return Raw(None, error=UNCACHED)
        if getattr(cell, "data_type", None) == "e":
            return Raw(None, error=ERROR_VALUE.format(value=value))
        found = Raw(value, cell.number_format) if isinstance(value, dt.datetime) else Raw(value)
        first = self._first_row(row, column) if self.spans else None
        if first == row:
            self.anchors[(row, column)] = found
        elif first is not None and cells.is_blank(value):
            return self.anchors.get((first, column), found)
        return found

    def _first_row(self, row: int, column: int) -> int | None:
        """The first row of the merged range holding (row, column) in its first column, or None."""
        starts = self.starts.get(column)
        index = bisect.bisect_right(starts, row) - 1 if starts else -1
        if index < 0 or row > self.spans[column][index][1]:
            return None
        return starts[index]


def _extras(archive: zipfile.ZipFile, part: str) -> Extras:
    """One pass over a sheet's XML for its merged ranges and its formulas without cached values.

    Most sheets have neither, which a scan of the raw XML tells at a fraction of a parse's cost.
    """
    merged, uncached = [], set()
    xml = archive.read(part.lstrip("/"))
    if not EXTRA_TAGS.search(xml):
        return Extras(merged, uncached)
    for _, element in etree.iterparse(io.BytesIO(xml), tag=(CELL, ROW, MERGE), resolve_entities=False, no_network=True):
        if element.tag == MERGE:
            merged.append(range_boundaries(element.get("ref")))
        elif element.tag == CELL and element.get("r") and _uncached(element):
            uncached.add(coordinate_to_tuple(element.get("r")))
        elif element.tag == ROW:
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    return Extras(merged, uncached)


def _uncached(cell) -> bool:
    """A formula cell without a result (openpyxl writes an empty <v/>; an empty text result is kept)."""
    value = cell.find(VALUE)
    return cell.find(FORMULA) is not None and (value is None or (not value.text and cell.get("t") != "str"))
