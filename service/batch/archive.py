"""The zip of a batch's documents, in row order, streamed: unique, safe UTF-8 names.

Names come from the kind's file-name pattern (already stripped of path separators and control
characters) and are cleaned again here; a repeated name gets （2）, （3）… before its extension.
Every entry sets zip flag bit 11 (names are UTF-8). Files are stored, not compressed again: a
.docx is a zip already.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator

from ..documents import Services
from ..store import batches as store, packs
from ..store.files import Storage

UTF8_NAMES = 0x800
UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
FIXED_TIME = (2026, 1, 1, 0, 0, 0)


class _Pipe:
    """A write-only stream whose bytes are taken out as they come (zip writing to a response)."""

    def __init__(self):
        """Start empty."""
        self.buffer, self.position = bytearray(), 0

    def write(self, data: bytes) -> int:
        """Keep the bytes until taken."""
        self.buffer += data
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        """Bytes written so far."""
        return self.position

    def flush(self) -> None:
        """Nothing to flush."""

    def take(self) -> bytes:
        """The bytes written since the last take."""
        data, self.buffer = bytes(self.buffer), bytearray()
        return data


def safe_name(name: str) -> str:
    """A file name with no path, no control characters and no leading dots."""
    return UNSAFE.sub("_", name).lstrip(". ") or "文书.docx"


def unique_names(names: Iterable[str]) -> list[str]:
    """Safe names, made unique (case-insensitively) with （2）, （3）… before the extension."""
    used, found = set(), []
    for name in map(safe_name, names):
        stem, dot, extension = name.rpartition(".") if "." in name else (name, "", "")
        candidate, n = name, 1
        while candidate.casefold() in used:
            n += 1
            candidate = f"{stem}（{n}）{dot}{extension}"
        used.add(candidate.casefold())
        found.append(candidate)
    return found


def stream(storage: Storage, names: list[str], files: list[packs.Located]) -> Iterator[bytes]:
    """The zip of the stored files under these names, produced piece by piece, a pack in memory at a time."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", zipfile.ZIP_STORED) as archive:
        for name, content in zip(unique_names(names), packs.read_many(storage, files)):
            entry = zipfile.ZipInfo(name, FIXED_TIME)
            entry.flag_bits |= UTF8_NAMES
            archive.writestr(entry, content)
            yield pipe.take()
    yield pipe.take()


def of_batch(services: Services, batch_id: str) -> Iterator[bytes]:
    """The zip of a batch's documents, in row order."""
    with services.sessions() as session:
        documents = store.documents_in_order(session, batch_id)
    return stream(services.storage, [document.filename for document in documents], documents)
