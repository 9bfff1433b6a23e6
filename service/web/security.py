"""Browser protections: CSRF tokens on cookie-authenticated writes, no cross-site writes, page headers."""

from __future__ import annotations

from flask import Flask, Response, request, session
from flask_wtf.csrf import CSRFError, CSRFProtect

from ..api.auth import SESSION_KEY, presents_key
from ..api.problems import problem

csrf = CSRFProtect()
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Sec-Fetch-Site values of requests made by our own pages (or typed by the user).
OWN_SITE = frozenset({"same-origin", "none"})
PAGE_HEADERS = {
    # json-editor adds a style element, so style-src needs 'unsafe-inline'; scripts are ours only.
    "Content-Security-Policy": (
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    """SameSite session cookies, Flask-WTF's CSRF checked only where needed, the request check."""
    if app.config["SESSION_COOKIE_SAMESITE"] is None:
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    # The token is checked by check_request(), not on every POST (API clients with keys need none).
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
    # Valid as long as the browser session: a form may stay open for hours.
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)
    csrf.init_app(app)
    app.before_request(check_request)
    app.register_error_handler(CSRFError, refused)


def check_request() -> Response | None:
    """Refuse cross-site writes made without a key; writes relying on the login cookie need the token."""
    if request.method in SAFE_METHODS or presents_key():
        return None
    if request.headers.get("Sec-Fetch-Site", "none") not in OWN_SITE:
        return problem(403, "拒绝来自其他网站的请求。")
    if session.get(SESSION_KEY):
        csrf.protect()
    return None


def refused(error: CSRFError) -> Response:
    """A missing or wrong CSRF token: 403 telling the user to reload the page."""
    return problem(403, "安全校验失败：页面已过期或缺少安全令牌，请刷新页面后重试。")


def page_headers(response: Response) -> Response:
    """Add the content security policy and friends to a page."""
    response.headers.update(PAGE_HEADERS)
    return response
