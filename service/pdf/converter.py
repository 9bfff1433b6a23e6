"""Converter: what every PDF converter offers, local pool or remote service."""

from __future__ import annotations


class Converter:
    """convert(docx) -> PDF bytes, close(), and use as a context manager."""

    def convert(self, docx: bytes) -> bytes:
        """The PDF of a .docx file's bytes."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the converter's resources."""

    def __enter__(self):
        """The converter itself."""
        return self

    def __exit__(self, *exc_info) -> None:
        """Close the converter."""
        self.close()
