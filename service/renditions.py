"""PDF renditions of recorded documents: converted once by the warm pool, stored beside the .docx."""

from __future__ import annotations

import threading
from collections.abc import Mapping

from flask import Flask, current_app

from . import pdf
from .pdf.worker import office_binary


class Renditions:
    """Makes and keeps the PDF of a recorded document; the converter starts on first use."""

    def __init__(self, config: Mapping):
        self._config = dict(config)
        self._converter: pdf.Converter | None = None
        self._lock = threading.Lock()

    def converter(self) -> pdf.Converter:
        """This process's converter (a pool started after any fork, or a remote service)."""
        with self._lock:
            if self._converter is None:
                self._converter = pdf.pool_from_config(self._config)
            return self._converter

    def pdf_of(self, storage, record, docx: bytes) -> bytes:
        """The record's PDF, converting and storing it the first time; raises pdf.PdfError."""
        key = record.file_key.rsplit(".", 1)[0] + ".pdf"
        if storage.exists(key):
            return storage.get(key)
        content = self.converter().convert(docx)
        storage.put(key, content)
        return content


def available(config: Mapping) -> bool:
    """True when PDF can be made here: a remote converter is configured or LibreOffice is installed."""
    return (config.get("PDF_CONVERTER") or "local") != "local" or office_binary() is not None


def init_app(app: Flask) -> None:
    """Offer PDF output when a converter is available."""
    if available(app.config):
        app.extensions["docgen-pdf"] = Renditions(app.config)


def renditions() -> Renditions | None:
    """The app's PDF renditions, or None when PDF cannot be made here."""
    return current_app.extensions.get("docgen-pdf")
