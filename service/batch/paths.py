"""Where a batch's files live in the file storage: upload, chunk inputs and report, by batch id."""

from __future__ import annotations


def upload_key(batch_id: str, source: str) -> str:
    """The upload (source is xlsx or json)."""
    return f"batches/{batch_id}/upload.{source}"


def chunk_key(batch_id: str, seq: int) -> str:
    """A chunk's input rows, as JSON."""
    return f"batches/{batch_id}/chunks/{seq}.json"


def report_key(batch_id: str) -> str:
    """The error report."""
    return f"batches/{batch_id}/report.xlsx"
