"""Checks and normalises the data before it reaches a template."""

from __future__ import annotations

import re
from typing import Any

from .errors import DataError
from .text import BAD_XML_CHARS, joined

_CARRIAGE_RETURN = re.compile("\r\n?")


def _clean_text(value: str, path: str) -> str:
    """Reject characters Word cannot hold and turn \\r\\n and \\r into \\n."""
    bad = BAD_XML_CHARS.search(value)
    if bad:
        raise DataError(path or "(root)", f"包含无法写入 Word 文档的控制字符 U+{ord(bad.group()):04X}")
    return _CARRIAGE_RETURN.sub("\n", value) if "\r" in value else value


def prepare(value: Any, path: str = "") -> Any:
    """Return a copy of the data with every string checked and line breaks normalised."""
    if isinstance(value, str):
        return _clean_text(value, path)
    if isinstance(value, dict):
        return {key: prepare(item, joined(path, str(key))) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [prepare(item, joined(path, index)) for index, item in enumerate(value)]
    return value
