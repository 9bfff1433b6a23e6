"""Fixtures of the web tests: a live server and one chromium per module, a fresh browser context per test."""

from __future__ import annotations

import pytest

from tests.api.conftest import app, client, make_key  # noqa: F401 (the API's app fixtures, shared)

from .live import CHROMIUM, LiveServer, launch

VIEWPORT = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The real app on its own instance folder, served on 127.0.0.1 for the module's tests."""
    with LiveServer(tmp_path_factory.mktemp("instance")) as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    """Headless Debian chromium, shared by the module's tests."""
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package")
    with sync_api.sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live):
    """A page in a fresh context (no cookies, no drafts) that accepts dialogs; fails on script errors."""
    context = browser.new_context(base_url=live.url, viewport=VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(error))
    yield page
    context.close()
    assert not script_errors, f"script errors in the page: {script_errors}"
