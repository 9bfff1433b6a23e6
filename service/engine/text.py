"""What the engine and the input schemas share about text: what an XML 1.0 document can hold, and how a data
path (attendees[3].name) is written in an error."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Character classes, spelled so that the JSON Schema validators' regex engines read them as Python does.
# UNSAVABLE: what an XML 1.0 document (a .docx) cannot hold; lone surrogates cannot be held either,
# but only Python's engine can spell them, so the published patterns leave them out.
UNSAVABLE = r"\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"
SURROGATES = r"\ud800-\udfff"
BAD_XML_CHARS = re.compile(f"[{UNSAVABLE}{SURROGATES}]")
# An error shows a key (or another text the caller sent) at most SHOWN_KEY characters long.
SHOWN_KEY = 40


def shown(key: str) -> str:
    """A key (or another text the caller sent) as an error may echo it: bounded, and always encodable."""
    key = key if len(key) <= SHOWN_KEY else f"{key[:SHOWN_KEY]}…"
    return key.encode("utf-8", "backslashreplace").decode("utf-8")


def joined(path: str, segment: str | int) -> str:
    """Extend a written path with a key or a list index (attendees[3] + name: attendees[3].name)."""
    if isinstance(segment, int):
        return f"{path}[{segment}]"
    return f"{path}.{shown(segment)}" if path else shown(segment)


def path_text(path: Iterable[str | int]) -> str:
    """Write a path as attendees[3].name; a key is shown at most SHOWN_KEY long, a lone surrogate as \\udXXX."""
    text = ""
    for segment in path:
        text = joined(text, segment)
    return text
