"""The zip of a batch's documents in row order, streamed or written as chunks complete: unique, safe UTF-8 names.

Names come from the kind's file-name pattern (already stripped of path separators and control
characters) and are cleaned again here; a repeated name gets （2）, （3）… before its extension.
Every entry sets zip flag bit 11 (names are UTF-8). Files are stored, not compressed again: a
.docx is a zip already.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import BinaryIO

from ..catalog import file_name
from ..documents import Services
from ..store import batches as store, packs
from ..store.files import Storage

UTF8_NAMES = 0x800
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
    """A file name with no path, no invisible characters and no leading dots (whatever a stored record holds)."""
    return file_name(name, "_").lstrip(". ") or "文书.docx"


class Writer:
    """Writes documents to a zip as they come, in the order given, under safe names kept unique
    (case-insensitively) with （2）, （3）… before the extension. Use as a context manager."""

    def __init__(self, storage: Storage, file: BinaryIO):
        """Start the zip on a writable binary file."""
        self.storage = storage
        self.archive = zipfile.ZipFile(file, "w", zipfile.ZIP_STORED)
        self.used: set[str] = set()

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc_info) -> None:
        self.archive.close()

    def adding(self, documents: list[packs.Named]) -> Iterator[None]:
        """Write these documents one by one, reading each pack they are in once; yields after each."""
        for document, content in zip(documents, packs.read_many(self.storage, documents)):
            entry = zipfile.ZipInfo(self._unique(document.filename), FIXED_TIME)
            entry.flag_bits |= UTF8_NAMES
            self.archive.writestr(entry, content)
            yield

    def add(self, documents: list[packs.Named]) -> None:
        """Write these documents."""
        for _ in self.adding(documents):
            pass

    def _unique(self, name: str) -> str:
        """The safe form of a name, numbered if an earlier entry has it."""
        name = safe_name(name)
        stem, dot, extension = name.rpartition(".") if "." in name else (name, "", "")
        candidate, n = name, 1
        while candidate.casefold() in self.used:
            n += 1
            candidate = f"{stem}（{n}）{dot}{extension}"
        self.used.add(candidate.casefold())
        return candidate


def stream(storage: Storage, documents: list[packs.Named]) -> Iterator[bytes]:
    """The zip of the stored documents, produced a document at a time, with a pack in memory at a time."""
    pipe = _Pipe()
    with Writer(storage, pipe) as writer:
        for _ in writer.adding(documents):
            yield pipe.take()
    yield pipe.take()


def of_batch(services: Services, batch_id: str) -> Iterator[bytes]:
    """The zip of a batch's documents, in row order."""
    with services.sessions() as session:
        documents = store.documents_in_order(session, batch_id)
    return stream(services.storage, documents)
