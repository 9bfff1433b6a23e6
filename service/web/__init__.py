"""The web page for people: Chinese forms for every kind, batch upload and history, served at /."""

from __future__ import annotations

from flask import Flask

from . import login, security, views


def init_app(app: Flask) -> None:
    """Register the pages, the login and the browser protections (CSRF, cookie and page headers)."""
    security.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(login.bp)
