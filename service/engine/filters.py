"""Formatting helpers for Chinese documents, offered to templates as Jinja filters."""

from __future__ import annotations

import datetime as dt

DIGITS = "零一二三四五六七八九"
UNITS = ((1000, "千"), (100, "百"), (10, "十"))


def cn_numeral(number: int) -> str:
    """Write 0–9999 in Chinese numerals as used in 第十一条 / 第一百零一条."""
    if not 0 <= number <= 9999:
        raise ValueError(f"cn_numeral supports 0–9999, got {number}")
    if number < 10:
        return DIGITS[number]
    if number < 20:
        return "十" + (DIGITS[number - 10] if number > 10 else "")
    out, pending_zero = "", False
    for value, unit in UNITS:
        digit, number = divmod(number, value)
        if digit:
            out += ("零" if pending_zero else "") + DIGITS[digit] + unit
            pending_zero = False
        elif out:
            pending_zero = True
    if number:
        out += ("零" if pending_zero else "") + DIGITS[number]
    return out


def _as_date(value: dt.date | str) -> dt.date:
    """Accept a date, a datetime or an ISO 8601 string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.datetime.fromisoformat(str(value)).date()


def cn_date(value: dt.date | str) -> str:
    """Format a date as 2026年3月5日 (GB/T 9704: Arabic digits, no leading zeros)."""
    day = _as_date(value)
    return f"{day.year}年{day.month}月{day.day}日"


def cn_time(value: dt.datetime | str) -> str:
    """Format a date and time as 2026年3月5日14:30."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return f"{cn_date(moment)}{moment:%H:%M}"


def cn_join(items, separator: str = "、") -> str:
    """Join names with the Chinese enumeration comma."""
    return separator.join(str(item) for item in items)


FILTERS = {
    "cn_numeral": cn_numeral,
    "cn_date": cn_date,
    "cn_time": cn_time,
    "cn_join": cn_join,
}
