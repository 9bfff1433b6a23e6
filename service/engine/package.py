"""Reads a .docx package and writes filled ones without re-compressing untouched parts."""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from .errors import InvalidTemplate

RELATIONSHIPS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"

# Every entry gets the same timestamp so the same input gives the same bytes.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
DOS_DATE = 1 << 5 | 1  # FIXED_TIME as an MS-DOS date (years since 1980, month, day); its DOS time is 0
MODE = 0o644 << 16  # rw-r--r--, in the high bytes of the external attributes
UNIX, VERSION, LEVEL = 3, 20, 6  # made on Unix; zip 2.0 (deflate) needed; zlib's default level
UTF8_NAME = 0x800  # general purpose flag bit 11: the name is UTF-8 (set only for non-ASCII names)
# Zip records (PKWARE APPNOTE 4.3.7, 4.3.12, 4.3.16), as zipfile packs them.
LOCAL = struct.Struct("<4s2B4HL2L2H")
CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
END = struct.Struct("<4s4H2LH")
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
    info.external_attr = MODE
    info.create_system = UNIX
    return info


@dataclass(frozen=True)
class Base:
    """The parts that never change, compressed once: their local entries, their central directory
    records (the listing at the end of a zip) and how many there are."""

    entries: bytes
    directory: bytes
    count: int


def build_base(entries: dict[str, bytes], skip: Iterable[str]) -> Base:
    """Compress the parts that are not rendered, once, for every filled package to start from."""
    skipped = set(skip)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            if name not in skipped:
                archive.writestr(_entry(name), content)
        count = len(archive.filelist)
    whole = buffer.getvalue()
    end = len(whole) - END.size
    listing = END.unpack_from(whole, end)[6]
    return Base(whole[:listing], whole[listing:end], count)


def append_parts(base: Base, parts: Iterable[tuple[str, bytes]]) -> bytes:
    """A package of the base's entries followed by the rendered parts, deflated.

    The bytes are those zipfile writes when it appends the parts to the base in append mode
    (tests/engine compares them), put together from the base's bytes and a header pair per part
    instead of zipfile going over every entry of the listing again for each package.
    """
    pieces, listing, offset = [base.entries], [base.directory], len(base.entries)
    count = base.count
    for name, content in parts:
        encoded, flags = name.encode(), 0 if name.isascii() else UTF8_NAME
        crc, compressor = zlib.crc32(content), zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        packed = compressor.compress(content) + compressor.flush()
        pieces += [LOCAL.pack(b"PK\x03\x04", VERSION, 0, flags, zipfile.ZIP_DEFLATED, 0, DOS_DATE, crc, len(packed),
                              len(content), len(encoded), 0), encoded, packed]
        listing += [CENTRAL.pack(b"PK\x01\x02", VERSION, UNIX, VERSION, 0, flags, zipfile.ZIP_DEFLATED, 0, DOS_DATE,
                                 crc, len(packed), len(content), len(encoded), 0, 0, 0, 0, MODE, offset), encoded]
        offset += LOCAL.size + len(encoded) + len(packed)
        count += 1
    directory = b"".join(listing)
    return b"".join(pieces) + directory + END.pack(b"PK\x05\x06", 0, 0, count, count, len(directory), offset, 0)


def relationships(rels: bytes, folder: str) -> list[tuple[str, str, str]]:
    """(id, type, part name) of the internal relationships in a .rels file of a part in `folder`."""
    return [(rel.get("Id"), rel.get("Type"), part_name(folder, rel.get("Target", "")))
            for rel in etree.fromstring(rels).iter(f"{RELATIONSHIPS_NS}Relationship") if rel.get("TargetMode") != "External"]


def part_name(folder: str, target: str) -> str:
    """A relationship's target (absolute, or relative to the part's `folder`) as a part name."""
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
