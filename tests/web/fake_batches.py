"""A stand-in for the batch API's contract (issue 6), so the batch page can be driven before it exists.

POST /api/v1/batches/{kind} (multipart `file`) → 202 + Location; GET /api/v1/batches/{id} →
{state, total, done, failed, percentage}, one more row done per poll; /archive and /report
give files; GET /api/v1/kinds/{kind}/sheet gives the blank sheet.
"""

from __future__ import annotations

import io
import zipfile

from flask import Blueprint, Response, abort, request, url_for

bp = Blueprint("fake_batches", __name__)
TOTAL, FAILED = 3, 1
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
polls: dict[str, int] = {}


def attachment(content: bytes, filename: str, mimetype: str) -> Response:
    """A download with an ASCII file name."""
    return Response(content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/api/v1/kinds/<kind>/sheet")
def sheet(kind: str):
    """The blank sheet of a kind."""
    return attachment(b"blank sheet", f"{kind}.xlsx", XLSX)


@bp.post("/api/v1/batches/<kind>")
def start(kind: str):
    """Accept an uploaded sheet; the batch runs 'in the background'."""
    if "file" not in request.files:
        abort(400)
    batch_id = f"b{len(polls) + 1}"
    polls[batch_id] = 0
    return "", 202, {"Location": url_for("fake_batches.status", batch_id=batch_id)}


@bp.get("/api/v1/batches/<batch_id>")
def status(batch_id: str):
    """Progress: one more row handled each time it is asked."""
    polls[batch_id] += 1
    handled = min(polls[batch_id] - 1, TOTAL)
    failed = min(handled, FAILED)
    state = "done" if handled == TOTAL else "running" if handled else "preparing"
    return {"state": state, "total": TOTAL, "done": handled - failed, "failed": failed, "percentage": 100 * handled / TOTAL}


@bp.get("/api/v1/batches/<batch_id>/archive")
def archive(batch_id: str):
    """The zip of the documents made."""
    bundle = io.BytesIO()
    with zipfile.ZipFile(bundle, "w") as archive_file:
        archive_file.writestr("证书-1.docx", b"docx")
    return attachment(bundle.getvalue(), f"{batch_id}.zip", "application/zip")


@bp.get("/api/v1/batches/<batch_id>/report")
def report(batch_id: str):
    """The error report of the rows that failed."""
    return attachment(b"report", f"{batch_id}-errors.xlsx", XLSX)
