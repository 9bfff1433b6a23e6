"""Packs: documents made together (a batch chunk) stored as one zip file, and read back one by one.

Storing one file per document costs a file creation and an fsync each; a chunk of a batch is
written as one pack instead: a zip whose entries (stored, not compressed again: a .docx is a
zip already) are named after the documents. A record points at its pack by `file_key` and at
its entry by `file_entry`; a document stored on its own has no entry.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from service.store.files import Storage

FIXED_TIME = (1980, 1, 1, 0, 0, 0)


class Located(Protocol):
    """Where a document's file is: a storage key and, inside a pack, the entry's name."""

    file_key: str
    file_entry: str | None


class Named(Located, Protocol):
    """A stored document with its file name."""

    filename: str


def pack(files: Iterable[tuple[str, bytes]]) -> bytes:
    """A pack of (entry name, content) files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, content in files:
            archive.writestr(zipfile.ZipInfo(name, FIXED_TIME), content)
    return buffer.getvalue()


def read(storage: Storage, located: Located) -> bytes:
    """The file of one document."""
    return next(read_many(storage, [located]))


def read_many(storage: Storage, located: Iterable[Located]) -> Iterator[bytes]:
    """The files of several documents in the given order, fetching each pack once while its entries follow."""
    opened: tuple[str, zipfile.ZipFile] | None = None
    for item in located:
        if item.file_entry is None:
            yield storage.get(item.file_key)
            continue
        if opened is None or opened[0] != item.file_key:
            opened = (item.file_key, zipfile.ZipFile(io.BytesIO(storage.get(item.file_key))))
        yield opened[1].read(item.file_entry)
