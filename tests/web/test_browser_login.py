"""Signing in with a key in a real browser, and CSRF protection of the cookie session."""

from __future__ import annotations

import json
import re

import pytest

from service.store.db import writing
from service.store.keys import create_key
from tests.api.conftest import example

from .formpage import control, submit_for_download

POST_CERTIFICATE = """async (headers) => {
  const response = await fetch('/api/v1/documents/certificate', {
    method: 'POST', headers: {'Content-Type': 'application/json', ...headers}, body: %s})
  return [response.status, await response.text()]
}"""


@pytest.fixture(scope="module")
def token(live):
    """A key of this module's server, so that the pages need a sign-in."""
    with writing(live.app.extensions["docgen"].sessions) as session:
        return create_key(session, "secretary-wang", ["read", "render"])[1]


def sign_in(page, token: str) -> None:
    """Open a form, get sent to the sign-in page, sign in and land back on the form."""
    page.goto("/forms/certificate")
    assert re.search(r"/login\?next=", page.url)
    page.get_by_label("访问密钥").fill(token)
    page.get_by_role("button", name="登录").click()
    page.locator('#editor[aria-busy="false"]').wait_for()


def test_a_wrong_key_is_refused_and_a_right_one_makes_documents(page, token):
    """A wrong key shows an error; the right one leads to the form, which then works."""
    page.goto("/")
    page.get_by_label("访问密钥").fill("dg_not-a-key")
    page.get_by_role("button", name="登录").click()
    assert "密钥无效" in page.get_by_role("alert").inner_text()
    sign_in(page, token)
    assert "secretary-wang" in page.locator(".sign-out").inner_text()
    page.get_by_role("button", name="用示例填充").click()
    download = submit_for_download(page)
    assert download.suggested_filename.startswith("荣誉证书-")
    assert control(page, "recipient").input_value() == example("certificate")["recipient"]


def test_a_cookie_authenticated_post_needs_the_csrf_token(page, token):
    """fetch() with the session cookie but no X-CSRFToken is refused; with the page's token it works."""
    sign_in(page, token)
    post = POST_CERTIFICATE % json.dumps(json.dumps({**example("certificate"), "number": None}))
    status, body = page.evaluate(post, {})
    assert status == 403 and "安全校验失败" in json.loads(body)["detail"]
    csrf = page.locator('meta[name="csrf-token"]').get_attribute("content")
    status, _body = page.evaluate(post, {"X-CSRFToken": csrf})
    assert status == 201


def test_signing_out_asks_for_the_key_again(page, token):
    """退出 ends the session: the next page is the sign-in form."""
    sign_in(page, token)
    page.get_by_role("button", name="退出").click()
    assert page.url.endswith("/login")
    page.goto("/history")
    assert "/login" in page.url
