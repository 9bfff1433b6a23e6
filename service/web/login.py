"""Signing in with an API key: the key's id goes into the signed, HttpOnly session cookie."""

from __future__ import annotations

import re

from flask import Blueprint, Response, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError

from ..api.auth import SESSION_KEY, keys_configured
from ..documents import services
from ..store import keys
from .security import csrf, page_headers

# A path of this site: one slash, then no slash at once, and no control character, space or backslash.
LOCAL_PATH = re.compile(r"/(?![/\\])[^\x00-\x20\x7f\\]*")
bp = Blueprint("login", __name__, template_folder="templates")
bp.after_request(page_headers)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in form; a valid key is remembered in the session and the user goes on."""
    if not keys_configured():
        return redirect(url_for("web.index"))
    if request.method == "GET":
        return _page()
    try:
        csrf.protect()
    except CSRFError:
        return _page("页面已过期，请重新输入密钥后登录。", 400)
    key = keys.authenticate(services().sessions, request.form.get("key", "").strip())
    if key is None:
        return _page("密钥无效或已被吊销，请检查后重试。", 401)
    session.clear()
    session[SESSION_KEY] = key.id
    return redirect(_next_page())


@bp.post("/logout")
def logout():
    """Forget the key and show the sign-in form again."""
    session.clear()
    return redirect(url_for("login.login"))


def _page(error: str = "", status: int = 200) -> tuple[str, int]:
    """The sign-in page, with an error message when the last attempt failed."""
    return render_template("login.html", error=error, next_page=_next_page()), status


def _next_page() -> str:
    """Where to go after signing in: a path on this site only, else the home page.

    Browsers drop tabs and line breaks from a Location and read a backslash as a slash, so
    `/\t/evil.example/` would lead to //evil.example/: a target holding any control character,
    space or backslash is refused, as is one that does not start with a single slash.
    """
    target = request.values.get("next", "")
    if LOCAL_PATH.fullmatch(target):
        return target
    return url_for("web.index")


def signed_out() -> Response:
    """Send the visitor to the sign-in page, to come back here afterwards."""
    return redirect(url_for("login.login", next=request.full_path.rstrip("?")))
