"""Checks and normalises the data before it reaches a template."""

from __future__ import annotations

import re
from typing import Any

from .errors import DataError

# Characters XML 1.0 cannot hold (tab, newline and carriage return are allowed).
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CARRIAGE_RETURN = re.compile("\r\n?")


def _join(path: str, key: Any) -> str:
    """Extend a data path with a key or list index (``attendees[3].name``)."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _clean_text(value: str, path: str) -> str:
    """Reject characters Word cannot hold and turn \\r\\n and \\r into \\n."""
    bad = _ILLEGAL_XML.search(value)
    if bad:
        raise DataError(path or "(root)", f"包含无法写入 Word 文档的控制字符 U+{ord(bad.group()):04X}")
    return _CARRIAGE_RETURN.sub("\n", value) if "\r" in value else value


def prepare(value: Any, path: str = "") -> Any:
    """Return a copy of the data with every string checked and line breaks normalised."""
    if isinstance(value, str):
        return _clean_text(value, path)
    if isinstance(value, dict):
        return {key: prepare(item, _join(path, key)) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [prepare(item, _join(path, index)) for index, item in enumerate(value)]
    return value
