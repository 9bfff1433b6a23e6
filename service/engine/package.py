"""Reads a .docx package and writes filled ones without re-compressing untouched parts."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Base:
    """The parts that never change, compressed once: their local entries and their zip headers."""

    entries: bytes
    infos: tuple[zipfile.ZipInfo, ...]


def build_base(entries: dict[str, bytes], skip: Iterable[str]) -> Base:
    """Compress the parts that are not rendered, once, for every filled package to start from."""
    skipped = set(skip)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            if name not in skipped:
                archive.writestr(_entry(name), content)
        base = Base(buffer.getvalue(), tuple(archive.infolist()))  # before close() adds the listing
    return base


def append_parts(base: Base, parts: Iterable[tuple[str, bytes]]) -> bytes:
    """A package of the base's entries followed by the rendered parts.

    The base's compressed entries are copied as they are and its headers handed to the new
    archive, as zipfile's own append mode would after reading them back, without that read:
    `filelist` and `NameToInfo` are where ZipFile keeps the entries it will list.
    """
    buffer = io.BytesIO()
    buffer.write(base.entries)
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.filelist.extend(base.infos)
        archive.NameToInfo.update((info.filename, info) for info in base.infos)
        for name, content in parts:
            archive.writestr(_entry(name), content, compresslevel=6)
    return buffer.getvalue()
