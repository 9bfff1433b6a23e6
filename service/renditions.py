"""PDF renditions of recorded documents: converted once by the warm pool, stored as documents/<id>.pdf."""

from __future__ import annotations

import threading
from collections.abc import Mapping

from flask import Flask, current_app

from . import pdf
from .pdf.worker import office_binary
from .store import batches, packs


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

    def pdf_of(self, storage, record, docx: bytes | None = None) -> bytes:
        """The record's PDF (documents/<id>.pdf), converting and storing it the first time; raises pdf.PdfError."""
        key = f"documents/{record.id}.pdf"
        if storage.exists(key):
            return storage.get(key)
        content = self.converter().convert(docx if docx is not None else packs.read(storage, record))
        storage.put(key, content)
        return content

    def combined(self, storage, records: list, target: str) -> bytes:
        """One PDF of several documents in the given order (one print job), kept at `target`."""
        if storage.exists(target):
            return storage.get(target)
        docx = packs.read_many(storage, records)  # each pack fetched once, not once per document
        content = pdf.merge_pdfs(self.pdf_of(storage, record, next(docx)) for record in records)
        storage.put(target, content)
        return content


def of_batch(converter: Renditions, services, batch_id: str) -> bytes:
    """One PDF of a batch's documents in row order (kept for later); LookupError if it made none."""
    with services.sessions() as session:
        documents = batches.documents_in_order(session, batch_id)
    if not documents:
        raise LookupError(f"batch {batch_id} made no documents")
    return converter.combined(services.storage, documents, f"batches/{batch_id}/combined.pdf")


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
