"""The pages: the kinds, a form per kind, batch upload, history, templates and the profile; the data comes from the API."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g, render_template, session
from werkzeug.exceptions import HTTPException, NotFound

from ..api.auth import SESSION_KEY, caller
from ..api.documents import DOCX
from ..api.kinds import describe
from ..catalog import UnknownKind
from ..documents import services
from .forms import form_example, form_schema
from .login import signed_out
from .security import page_headers

bp = Blueprint("web", __name__, template_folder="templates")
bp.after_request(page_headers)

WORD = {"id": "docx", "label": "Word（.docx）", "accept": DOCX}
PDF = {"id": "pdf", "label": "PDF", "accept": "application/pdf"}


@bp.before_request
def require_sign_in():
    """Send visitors to the sign-in page when the deployment needs a key they have not given."""
    try:
        caller()
    except HTTPException:
        return signed_out()
    return None


@bp.context_processor
def page_context() -> dict:
    """Who is signed in (with a key, so that 退出 makes sense)."""
    return {"user": g.get("caller", ""), "can_sign_out": SESSION_KEY in session}


@bp.errorhandler(NotFound)
def not_found(error: NotFound):
    """A Chinese page for an unknown kind."""
    return render_template("message.html", title="未找到", message="没有这种文书，请从首页选择。"), 404


@bp.get("/")
def index():
    """Home: the kinds, one line each."""
    return render_template("index.html", kinds=kinds())


@bp.get("/forms/<kind_id>")
def form(kind_id: str):
    """The form of one kind, built in the browser from its schema."""
    try:
        kind = services().catalog.get(kind_id)
    except UnknownKind:
        abort(404)
    numbering = kind.numbering
    config = {
        **describe(kind),
        "schema": form_schema(kind),
        "example": form_example(kind),
        "numberField": numbering.field if numbering else None,
        "formats": output_formats(),
    }
    return render_template("form.html", kind=describe(kind), config=config)


@bp.get("/batches")
def batches():
    """Batch generation from a filled Excel sheet."""
    return render_template("batches.html", kinds=kinds(), pdf="docgen-pdf" in current_app.extensions)


@bp.get("/templates")
def templates():
    """Administrators: the kinds' Word templates, uploaded, checked, previewed, activated and rolled back."""
    return render_template("templates.html", kinds=kinds(), pdf="docgen-pdf" in current_app.extensions)


@bp.get("/profile")
def profile():
    """Administrators: the organisation profile (names, 机关代字, branches, signatories, honours) as TOML."""
    return render_template("profile.html")


@bp.get("/history")
def history():
    """Recently generated documents."""
    return render_template("history.html", kinds=kinds())


def kinds() -> list[dict]:
    """The kinds as the API lists them."""
    return [describe(kind) for kind in services().catalog]


def output_formats() -> list[dict]:
    """The file formats the form offers; PDF appears once the API can convert (the PDF hook)."""
    return [WORD, PDF] if "docgen-pdf" in current_app.extensions else [WORD]


