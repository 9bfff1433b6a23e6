"""Formatting helpers for Chinese documents, offered to templates as Jinja filters."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable

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


TITLE_WIDTH = 20  # full-width characters of 2号 (22 pt) on a 156 mm line
# Spans a title never breaks inside: 《文件名》, “quotes”, （notes）, numbers with their unit (2026年).
WHOLE = [re.compile(pattern) for pattern in (r"《[^》]*》", r"“[^”]*”", r"（[^）]*）", r"\d+[年月日号期]?")]
OPENING, CLOSING = "《“（", "》”）、，。；："  # never last / first on a line
# Where a title may break, GB/T 9704's "词意完整": around 关于, after an enumeration mark, around the
# conjunctions of a list, before the closing 的 + 文种.
BREAKS = re.compile(r"(?=关于)|(?<=关于)|(?<=[、，])|(?=[和及与])|(?<=[和及与])|(?=的[^的]{1,4}$)")
MAX_BREAKS = 12  # candidate positions tried together (2**12 splits at most)


def text_width(text: str) -> float:
    """Width in full-width characters: ASCII letters and digits count half."""
    return sum(0.5 if ord(char) < 0x80 else 1 for char in text)


def title_lines(title: str, *keep: str | Iterable[str], width: int = TITLE_WIDTH) -> str:
    """Break a long title into lines (joined by newlines, which become Word line breaks).

    Breaks fall between words: never inside a name in `keep` (the issuing organisation, an
    honour), a 《文件名》, quotes or a number; the lines are as few as fit `width` characters and
    shaped as a trapezoid (each line no longer, or each no shorter, than the one above) or a
    diamond (longest in the middle), as evenly as that allows. A title that fits stays one line.
    """
    title = str(title)
    if text_width(title) <= width:
        return title
    lists = [item if isinstance(item, Iterable) and not isinstance(item, str) else [item] for item in keep]
    names = [str(name) for names in lists for name in names if str(name)]
    whole = [match.span() for pattern in WHOLE for match in pattern.finditer(title)]
    whole += [(start, start + len(name)) for name in names for start in _occurrences(title, name)]
    edges = {position for span in whole for position in span}
    # A span wider than a line has to break somewhere inside.
    inside = {position for start, end in whole if text_width(title[start:end]) <= width
              for position in range(start + 1, end)}
    inside |= {position for position in range(1, len(title))
               if title[position] in CLOSING or title[position - 1] in OPENING}
    preferred = {match.start() for match in BREAKS.finditer(title)} | edges
    candidates = sorted(position for position in preferred - inside if 0 < position < len(title))
    lines = _best_split(title, candidates[:MAX_BREAKS], width)
    if lines is None:  # no word boundary fits: break anywhere but inside a whole span
        lines = _greedy(title, inside, width)
    return "\n".join(lines)


def _occurrences(text: str, word: str) -> list[int]:
    """Start positions of word in text."""
    return [match.start() for match in re.finditer(re.escape(word), text)]


def _best_split(title: str, candidates: list[int], width: int) -> list[str] | None:
    """The fewest lines that fit, trapezoid or diamond shaped if possible, most even; None if none fit."""
    best, best_score = None, None
    for count in range(1, len(candidates) + 1):
        for cuts in itertools.combinations(candidates, count):
            bounds = [0, *cuts, len(title)]
            lines = [title[start:end] for start, end in zip(bounds, bounds[1:])]
            widths = [text_width(line) for line in lines]
            if max(widths) > width:
                continue
            score = (not shaped(widths), max(widths) - min(widths))
            if best_score is None or score < best_score:
                best, best_score = lines, score
        if best is not None:
            return best
    return None


def shaped(widths: list[float]) -> bool:
    """Trapezoid (monotonic) or diamond (rising then falling) line widths."""
    peak = widths.index(max(widths))
    rising = all(a <= b for a, b in zip(widths[:peak + 1], widths[1:peak + 1]))
    falling = all(a >= b for a, b in zip(widths[peak:], widths[peak + 1:]))
    return (rising and falling) or all(a <= b for a, b in zip(widths, widths[1:]))


def _greedy(title: str, inside: set[int], width: int) -> list[str]:
    """Fill lines up to width, breaking only where `inside` allows."""
    lines, start = [], 0
    while text_width(title[start:]) > width:
        end = fits = start + 1
        for position in range(start + 1, len(title)):
            if text_width(title[start:position]) > width:
                break
            fits = position
            if position not in inside:
                end = position
        end = max(end, fits) if end == start + 1 else end
        lines.append(title[start:end])
        start = end
    return [*lines, title[start:]]


FILTERS = {
    "cn_numeral": cn_numeral,
    "cn_date": cn_date,
    "cn_time": cn_time,
    "cn_join": cn_join,
    "title_lines": title_lines,
}
