"""Writes a kind's workbook: headers, help comments, choice lists and formats, then documents' rows.

The same writer makes the blank sheet (one grey example row), the filled example sheets, and the
error report, where a document's failing cells are filled red with the message in a comment
and an 错误 column gathers its messages. It streams (openpyxl write-only), so ten thousand rows
need little memory.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from . import cells
from ..catalog import Kind
from .layout import ERROR_HEADER, EXAMPLE_KEY, KEY_COLUMN, Column, Layout, layout_of
from .notes import column_help, notes
from .rows import Placed, placed_rows

NOTES_SHEET = "说明"
CHOICES_SHEET = "选项"
AUTHOR = "docgen"
FIXED_TIME = dt.datetime(2026, 1, 1)
HEADER_FONT = Font(bold=True)
REQUIRED_FONT = Font(bold=True, color="C00000")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
EXAMPLE_FONT = Font(italic=True, color="808080")
MARK_FILL = PatternFill("solid", fgColor="FFC7CE")
ERROR_FONT = Font(color="C00000")
WRAP = Alignment(wrap_text=True, vertical="top")
WIDTHS = {"key": 8, "index": 8, "date": 13, "datetime": 17, "integer": 10, "text": 20, "lines": 36, "names": 26}
DEFAULT_FORMATS = {"date": cells.DATE_FORMAT, "datetime": cells.DATETIME_FORMAT, "text": cells.TEXT_FORMAT,
                   "lines": cells.TEXT_FORMAT, "names": cells.TEXT_FORMAT}
PARENT = re.compile(r"(\.[^.\[\]]+|\[\d+\])$")


@dataclass(frozen=True)
class CellRef:
    """Where a value was written: sheet, row, column (1-based) and the column's header."""

    sheet: str
    row: int
    column: int
    header: str

    def text(self, main: str) -> str:
        """第5行 C列（获奖者）, naming the sheet unless it is the main one."""
        where = f"第{self.row}行 {get_column_letter(self.column)}列（{self.header}）"
        return where if self.sheet == main else f"“{self.sheet}”表{where}"


class Book:
    """A kind's workbook being written: sheets are set up first, documents are added one by one."""

    def __init__(self, layout: Layout, error_column: bool = False):
        """Create the data sheets (headers, help, drop-down lists, formats) and the hidden choices."""
        self.layout, self.error_column = layout, error_column
        self.workbook = Workbook(write_only=True)
        self.workbook.properties.creator = AUTHOR
        self.workbook.properties.created = self.workbook.properties.modified = FIXED_TIME
        self.columns = {layout.name: list(layout.main_columns)} | {s.name: s.columns for s in layout.subsheets}
        self.sheets = {name: self.workbook.create_sheet(name) for name in self.columns}
        self.next_row = dict.fromkeys(self.columns, 2)
        ranges = self._choice_lists()
        for name, columns in self.columns.items():
            self._set_up(self.sheets[name], columns, ranges)

    def add(self, key: Any, payload: Any, example: bool = False, errors: list[dict] = (), origin: str = "") -> None:
        """Write one document's rows; its errors mark their cells and fill the 错误 column."""
        planned = self._plan(key, payload)
        where = self._where(planned)
        marks: dict[CellRef, list[str]] = {}
        lines = [origin] if origin else []
        for error in errors:
            cell = _locate(where, error["path"])
            if cell is not None:
                marks.setdefault(cell, []).append(error["message"])
            lines.append(self._line(cell, error))
        for name, rows in planned.items():
            for index, row in enumerate(rows):
                note = lines if (name == self.layout.name and index == 0) else self._row_lines(marks, name)
                self._write_row(name, row, example, marks, "\n".join(note))

    def table(self, name: str, rows: list[tuple], headings: tuple[int, ...] = (0,), widths=(22, 18, 100)) -> None:
        """A plain sheet of text; the rows numbered in `headings` (from 0) are bold."""
        sheet = self.workbook.create_sheet(name)
        for index, width in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        for number, row in enumerate(rows):
            font = HEADER_FONT if number in headings else None
            sheet.append([self._styled(sheet, cells.guard(v) if isinstance(v, str) else v, font=font, alignment=WRAP)
                          for v in row])

    def save(self) -> bytes:
        """Add the 说明 sheet last, and give the finished workbook as .xlsx bytes."""
        rows, headings = notes(self.layout)
        self.table(NOTES_SHEET, rows, headings)
        out = io.BytesIO()
        self.workbook.save(out)
        return out.getvalue()

    def _choice_lists(self) -> dict[tuple[str, ...], str]:
        """Write every distinct choice list into the hidden 选项 sheet; their ranges by choices."""
        lists = list(dict.fromkeys(c.choices for columns in self.columns.values() for c in columns if c.choices))
        if not lists:
            return {}
        sheet = self.workbook.create_sheet(CHOICES_SHEET)
        sheet.sheet_state = "hidden"
        for row in range(max(len(choices) for choices in lists)):
            sheet.append([choices[row] if row < len(choices) else None for choices in lists])
        name = quote_sheetname(CHOICES_SHEET)
        return {choices: f"{name}!${get_column_letter(i)}$1:${get_column_letter(i)}${len(choices)}"
                for i, choices in enumerate(lists, 1)}

    def _set_up(self, sheet, columns: list[Column], ranges: dict) -> None:
        """Widths, default formats, drop-down lists, frozen header row, and the header itself."""
        for index, column in enumerate(columns, 1):
            letter = get_column_letter(index)
            sheet.column_dimensions[letter].width = WIDTHS[column.kind]
            if column.kind in DEFAULT_FORMATS:
                sheet.column_dimensions[letter].number_format = DEFAULT_FORMATS[column.kind]
            if column.choices:
                check = DataValidation(type="list", formula1=ranges[column.choices], allow_blank=True, showErrorMessage=True,
                                       errorTitle="取值无效", error=f"“{column.header}”请从下拉列表中选择")
                check.add(f"{letter}2:{letter}1048576")
                sheet.data_validations.append(check)
        sheet.freeze_panes = "B2"
        headers = [self._header(sheet, column) for column in columns]
        if self.error_column:
            sheet.column_dimensions[get_column_letter(len(columns) + 1)].width = 60
            headers.append(self._styled(sheet, ERROR_HEADER, font=REQUIRED_FONT, fill=HEADER_FILL))
        sheet.append(headers)

    def _header(self, sheet, column: Column) -> WriteOnlyCell:
        """A header cell: bold (red when required), its help in a comment."""
        cell = self._styled(sheet, column.label, font=REQUIRED_FONT if column.required else HEADER_FONT, fill=HEADER_FILL)
        cell.comment = Comment(column_help(column), AUTHOR, width=320, height=160)
        return cell

    def _plan(self, key: Any, payload: Any) -> dict[str, list[list[Placed]]]:
        """The document's rows on every sheet (a sheet it has nothing for gets none)."""
        payload = payload if isinstance(payload, dict) else {}
        main = [Placed(KEY_COLUMN, key, ())] + [Placed(c, payload.get(c.key), (c.key,)) for c in self.layout.main_columns[1:]]
        planned = {self.layout.name: [main]}
        for sheet in self.layout.subsheets:
            rows = placed_rows(sheet.root, payload.get(sheet.key), sheet.key)
            planned[sheet.name] = [[Placed(KEY_COLUMN, key, ()), *row] for row in rows]
        return planned

    def _where(self, planned: dict[str, list[list[Placed]]]) -> dict[str, CellRef]:
        """The cell each data path will be written to."""
        where: dict[str, CellRef] = {}
        for name, rows in planned.items():
            positions = {column: index for index, column in enumerate(self.columns[name], 1)}
            for offset, row in enumerate(rows):
                for placed in row:
                    ref = CellRef(name, self.next_row[name] + offset, positions[placed.column], placed.column.header)
                    for path in placed.paths:
                        where.setdefault(path, ref)
        return where

    def _row_lines(self, marks: dict[CellRef, list[str]], name: str) -> list[str]:
        """The messages of the marked cells in the row about to be written on sheet `name`."""
        row = self.next_row[name]
        return [self._line(cell, {"message": message}) for cell, messages in marks.items()
                if (cell.sheet, cell.row) == (name, row) for message in messages]

    def _line(self, cell: CellRef | None, error: dict) -> str:
        """One message for the 错误 column: at its cell, or at its field when it has none."""
        if cell is not None:
            return f"{cell.text(self.layout.name)}：{error['message']}"
        label = self.layout.label(error.get("path", ""))
        return f"{label}：{error['message']}" if label else error["message"]

    def _write_row(self, name: str, row: list[Placed], example: bool, marks: dict, note: str) -> None:
        """Append one row: values in their columns, marked cells red with a comment, then 错误."""
        sheet, number = self.sheets[name], self.next_row[name]
        values: list[Any] = [None] * (len(self.columns[name]) + self.error_column)
        for index, column in enumerate(self.columns[name]):
            placed = next((p for p in row if p.column == column), None)
            messages = marks.get(CellRef(name, number, index + 1, column.header))
            if placed is not None or messages:
                values[index] = self._value(sheet, column, placed.value if placed else None, example, messages)
        if self.error_column and note:
            values[-1] = self._styled(sheet, cells.guard(note), font=ERROR_FONT, alignment=WRAP)
        sheet.append(values)
        self.next_row[name] += 1

    def _value(self, sheet, column: Column, value: Any, example: bool, messages: list[str] | None) -> Any:
        """A cell for a value: plain when it can be, styled for formats, examples and marks."""
        written, number_format = cells.write(column, value)
        wrap = column.kind in ("lines", "names") or (isinstance(written, str) and "\n" in written)
        if not (number_format or example or messages or wrap):
            return written
        cell = self._styled(sheet, written, font=EXAMPLE_FONT if example else None, alignment=WRAP if wrap else None,
                            fill=MARK_FILL if messages else None)
        if number_format:
            cell.number_format = number_format
        if messages:
            cell.comment = Comment("\n".join(messages), AUTHOR, width=320, height=120)
        return cell

    @staticmethod
    def _styled(sheet, value: Any, font=None, fill=None, alignment=None) -> WriteOnlyCell:
        """A write-only cell with the given font, fill and alignment."""
        cell = WriteOnlyCell(sheet, value)
        for name, style in (("font", font), ("fill", fill), ("alignment", alignment)):
            if style is not None:
                setattr(cell, name, style)
        return cell


def blank_sheet(kind: Kind) -> bytes:
    """The workbook to fill: headers, help, drop-down lists and one grey example row."""
    book = Book(layout_of(kind))
    book.add(EXAMPLE_KEY, kind.example(), example=True)
    return book.save()


def filled_sheet(kind: Kind, payloads: list[dict]) -> bytes:
    """A workbook holding these documents, numbered 1, 2, 3…"""
    book = Book(layout_of(kind))
    for key, payload in enumerate(payloads, 1):
        book.add(key, payload)
    return book.save()


def _locate(where: dict[str, CellRef], path: str) -> CellRef | None:
    """The cell showing `path` or, failing that, its nearest enclosing item or field."""
    while path not in where:
        parent = PARENT.sub("", path)
        if parent == path:
            return None
        path = parent
    return where[path]
