"""Reads a .docx package and writes filled ones without re-compressing untouched parts."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from .errors import InvalidTemplate

# Every entry gets the same timestamp so the same input gives the same bytes.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
XML_DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"


def read_entries(data: bytes) -> dict[str, bytes]:
    """Return the package's entries in their stored order."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {info.filename: archive.read(info) for info in archive.infolist()}
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InvalidTemplate(f"not a Word document (.docx): {exc}") from exc


def _entry(name: str) -> zipfile.ZipInfo:
    """A zip entry header with fixed time and attributes."""
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    return info


def build_base(entries: dict[str, bytes], skip: Iterable[str]) -> bytes:
    """Compress the parts that never change once, as a complete zip to append to."""
    skipped = set(skip)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            if name not in skipped:
                archive.writestr(_entry(name), content)
    return buffer.getvalue()


def append_parts(base: bytes, parts: Iterable[tuple[str, bytes]]) -> bytes:
    """Copy the base zip and append the rendered parts to it."""
    buffer = io.BytesIO(base)
    buffer.seek(0, io.SEEK_END)
    with zipfile.ZipFile(buffer, "a") as archive:
        for name, content in parts:
            archive.writestr(_entry(name), content, compresslevel=6)
    return buffer.getvalue()
