"""Cell values to and from JSON data: texts, dates typed any common way, numbers, one-cell lists, guards.

Reading turns what a cell holds into the JSON value its column's field loads (dates as
"2026-03-05", date-times as "2026-03-05T14:30"), None for a blank cell, or a CellError. Writing
does the reverse and guards text against formula injection: text starting with = + - @ tab or
CR is written with a leading ', which reading removes again.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from openpyxl.utils.datetime import from_excel

from .layout import Column

GUARDED = ("=", "+", "-", "@", "\t", "\r")
# The control characters a worksheet cell cannot hold (openpyxl refuses them); an error report may
# still have to show them: in a JSON batch's keys, or in its rows' values.
UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TEXT_FORMAT = "@"
LAST_SERIAL = 2958465  # 9999-12-31
DATE_TEXT = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
TIME_TEXT = r"(\d{1,2})\s*[:：时]\s*(\d{1,2})\s*分?(?:\s*[:：]\s*\d{1,2}\s*秒?)?"
DATE_ONLY = re.compile(DATE_TEXT)
DATE_AND_TIME = re.compile(rf"{DATE_TEXT}\s*[T ]?\s*{TIME_TEXT}")
NOT_A_DATE = "无法识别的日期“{text}”：请填写如 2026-03-05 或 2026年3月5日"
NOT_A_TIME = "无法识别的日期时间“{text}”：请填写如 2026-03-05 14:30 或 2026年3月5日14:30"


@dataclass(frozen=True)
class CellError:
    """A cell whose content cannot be used, with the reason in Chinese."""

    message: str


@dataclass(frozen=True)
class Raw:
    """A cell as read: its value and number format, or why it cannot be used."""

    value: Any
    number_format: str = "General"
    error: str | None = None


def guard(text: str) -> str:
    """Prefix ' to text a spreadsheet could take for a formula; write a character no cell can hold as \\xNN."""
    text = UNWRITABLE.sub(lambda found: f"\\x{ord(found.group()):02x}", text)
    return f"'{text}" if text.startswith(GUARDED) else text


def unguard(text: str) -> str:
    """Remove the ' that guard() added."""
    return text[1:] if text.startswith("'") and text[1:].startswith(GUARDED) else text


def is_blank(value: Any) -> bool:
    """True for an empty cell or one holding only white space."""
    return value is None or (isinstance(value, str) and not value.strip())


def read(column: Column, raw: Raw) -> Any:
    """The JSON value of a cell for its column; None when blank; a CellError when unusable."""
    if raw.error:
        return CellError(raw.error)
    if is_blank(raw.value):
        return None
    value = READERS[column.kind](raw.value, raw.number_format, column)
    if column.wrap and isinstance(value, list):
        return [{column.wrap: item} for item in value]
    return value


def _text(value: Any, number_format: str, column: Column | None = None) -> str:
    """Text as typed (edges trimmed); numbers without a needless .0; dates in Chinese."""
    if isinstance(value, str):
        return unguard(value.strip()).replace("\r\n", "\n")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return _date_words(value, number_format)
    return str(value)


def _date_words(moment: dt.datetime, number_format: str) -> str:
    """2026年3月5日, or 2026年3月 when the cell shows no day (Excel turned 2026年3月 into a date)."""
    month = f"{moment.year}年{moment.month}月"
    return f"{month}{moment.day}日" if "d" in number_format.lower() else month


def _date(value: Any, number_format: str, column: Column | None = None) -> str | CellError:
    """A date cell, an Excel serial number or a date typed as text, as 2026-03-05."""
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value <= LAST_SERIAL:
        return from_excel(value).strftime("%Y-%m-%d")
    text = _text(value, number_format)
    found = DATE_ONLY.fullmatch(text)
    if not found:
        return CellError(NOT_A_DATE.format(text=text))
    year, month, day = (int(part) for part in found.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def _datetime(value: Any, number_format: str, column: Column | None = None) -> str | CellError:
    """A date-time cell or a date-time typed as text, as 2026-03-05T14:30."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    text = _text(value, number_format)
    found = DATE_AND_TIME.fullmatch(text)
    if not found:
        return CellError(NOT_A_TIME.format(text=text))
    year, month, day, hour, minute = (int(part) for part in found.groups())
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}"


def _integer(value: Any, number_format: str, column: Column | None = None) -> int | str:
    """A whole number; anything else is passed on as text for the schema to refuse."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = _text(value, number_format)
    return int(text) if text.isdigit() else text


def _items(value: Any, number_format: str, column: Column) -> list[str]:
    """One item per line; for name lists without line breaks, items separated by 、."""
    text = unguard(value) if isinstance(value, str) else _text(value, number_format)
    parts = text.split("、") if column.kind == "names" and "\n" not in text else text.splitlines()
    return [part.strip() for part in parts if part.strip()]


READERS = {
    "text": _text,
    "key": _text,
    "index": _text,
    "date": _date,
    "datetime": _datetime,
    "integer": _integer,
    "lines": _items,
    "names": _items,
}


def write(column: Column, value: Any) -> tuple[Any, str | None]:
    """The cell value that shows a JSON value in its column, and its number format if it needs one."""
    if value is None:
        return None, None
    if column.kind == "date":
        return _moment(value, dt.date, DATE_FORMAT)
    if column.kind == "datetime":
        return _moment(value, dt.datetime, DATETIME_FORMAT)
    if column.kind in ("lines", "names"):
        return _joined(column, value), None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value, None
    return _plain(value), None


def _plain(value: Any) -> str:
    """Any JSON value as guarded text."""
    return guard(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


def _moment(value: Any, kind: type, number_format: str) -> tuple[Any, str | None]:
    """An ISO date or date-time as a real Excel date; other values as text."""
    try:
        moment = kind.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    return (moment, number_format) if moment else (_plain(value), None)


def _joined(column: Column, value: Any) -> str:
    """A list as one cell, one item per line; a lone name holding 、 gets a line break to stay one."""
    if not isinstance(value, list):
        return _plain(value)
    items = [item.get(column.wrap) if column.wrap and isinstance(item, dict) else item for item in value]
    texts = [item if isinstance(item, str) else json.dumps(item, ensure_ascii=False) for item in items]
    lone = column.kind == "names" and len(texts) == 1 and "、" in texts[0]
    return guard("\n".join(texts) + ("\n" if lone else ""))
