"""The pages, the sign-in and the browser protections, through Flask's test client."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from service.pdf.worker import office_binary
from service.store.db import writing
from service.store.keys import revoke_key
from service.store.models import ApiKey
from tests.api.conftest import example

KIND_TITLES = ["驻外临时党支部工作手册", "荣誉证书", "表彰决定", "会议纪要", "规章制度"]
JSON_BODY = {"Content-Type": "application/json"}


def csrf_token(client) -> str:
    """The CSRF token a page of this session carries."""
    page = client.get("/").get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def login_token(client) -> str:
    """The CSRF token of the sign-in form."""
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)


def sign_in(client, token: str, next_page: str = "/"):
    """Post the sign-in form with a key."""
    return client.post("/login", data={"key": token, "csrf_token": login_token(client), "next": next_page})


@pytest.fixture
def signed_in(client, make_key):
    """A client signed in with a key that may render and read; returns the key's token."""
    token = make_key("render", "read", name="secretary-wang")
    assert sign_in(client, token).status_code == 302
    return token


def test_home_lists_the_five_kinds_with_links_to_their_forms(client):
    """The home page, in Chinese, has one entry per kind."""
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and '<html lang="zh-CN">' in page
    for title in KIND_TITLES:
        assert title in page
    assert 'href="/forms/meeting-minutes"' in page


@pytest.mark.parametrize("path", ["/", "/forms/policy", "/batches", "/history"])
def test_pages_carry_a_strict_content_security_policy(client, path):
    """Scripts only from this site, no framing, no sniffing."""
    response = client.get(path)
    assert response.status_code == 200
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_form_page_embeds_its_schema_and_example_as_inert_json(client):
    """The form's configuration is a JSON data block (not script) with the schema and example."""
    page = client.get("/forms/meeting-minutes").get_data(as_text=True)
    block = re.search(r'<script type="application/json" id="form-config">(.*?)</script>', page, re.S).group(1)
    config = json.loads(block)
    assert config["id"] == "meeting-minutes" and config["numberField"] == "number"
    assert config["schema"]["properties"]["start"]["format"] == "datetime-local"
    assert config["example"]["title"] == example("meeting-minutes")["title"]
    assert [format["id"] for format in config["formats"]] == (["docx", "pdf"] if office_binary() else ["docx"])


def test_an_unknown_kind_gets_a_chinese_page(client):
    """/forms/<unknown> answers 404 with a page, not a problem document."""
    response = client.get("/forms/no-such-kind")
    assert response.status_code == 404 and "没有这种文书" in response.get_data(as_text=True)


def test_an_open_deployment_needs_no_sign_in(client):
    """Without keys the pages open directly and /login leads home."""
    assert client.get("/history").status_code == 200
    assert client.get("/login").headers["Location"] == "/"


def test_with_keys_the_pages_ask_for_a_sign_in_first(client, make_key):
    """Once a key exists, pages redirect to /login and come back afterwards."""
    token = make_key("read", "render")
    response = client.get("/forms/policy")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/forms/policy"
    response = sign_in(client, token, "/forms/policy")
    assert response.headers["Location"] == "/forms/policy"
    assert client.get("/forms/policy").status_code == 200


def test_the_session_cookie_is_signed_httponly_and_samesite_lax(client, make_key):
    """The cookie holds the key's id (never the token), HttpOnly, SameSite=Lax."""
    token = make_key("read")
    cookie = sign_in(client, token).headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert token not in cookie


def test_a_wrong_key_or_a_stale_form_is_refused_with_a_message(client, make_key):
    """A wrong key: 401 and the form again; a form without its CSRF token: 400."""
    make_key("read")
    response = client.post("/login", data={"key": "dg_wrong", "csrf_token": login_token(client)})
    assert response.status_code == 401 and "密钥无效" in response.get_data(as_text=True)
    response = client.post("/login", data={"key": "dg_wrong"})
    assert response.status_code == 400 and "页面已过期" in response.get_data(as_text=True)


def test_sign_in_only_returns_to_pages_of_this_site(client, make_key):
    """next=//elsewhere is ignored: no open redirect."""
    token = make_key("read")
    assert sign_in(client, token, "//evil.example/").headers["Location"] == "/"


def test_the_session_identifies_the_caller_to_the_api(client, signed_in):
    """API calls of a signed-in browser run as web:<key name>, with the key's scopes."""
    response = client.post("/api/v1/documents/certificate", data=json.dumps(example("certificate")),
                           headers={**JSON_BODY, "X-CSRFToken": csrf_token(client)})
    assert response.status_code == 201
    record = client.get(response.headers["Location"]).get_json()
    assert record["created_by"] == "web:secretary-wang"


def test_a_cookie_authenticated_post_without_the_csrf_token_is_refused(client, signed_in):
    """The session alone cannot write: 403 problem, nothing recorded."""
    response = client.post("/api/v1/documents/certificate", data=json.dumps(example("certificate")), headers=JSON_BODY)
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json" and "安全校验失败" in response.get_json()["detail"]
    assert client.get("/api/v1/documents").get_json()["total"] == 0


def test_a_key_header_needs_no_csrf_token(app, make_key):
    """Other systems send their key in a header; no token, no cookie."""
    token = make_key("render")
    response = app.test_client().post("/api/v1/documents/certificate", data=json.dumps(example("certificate")),
                                      headers={**JSON_BODY, "Authorization": f"Bearer {token}"})
    assert response.status_code == 201


def test_cross_site_writes_without_a_key_are_refused(client):
    """A browser posting from another site to an open deployment gets 403."""
    response = client.post("/api/v1/documents/certificate", data=json.dumps(example("certificate")),
                           headers={**JSON_BODY, "Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403


def test_a_revoked_key_ends_the_session(app, client, signed_in, make_key):
    """Revoking the key signs the browser out at its next request (other keys still exist)."""
    make_key("read", name="hr-system")
    with writing(app.extensions["docgen"].sessions) as session:
        revoke_key(session, session.scalars(select(ApiKey.id).filter_by(name="secretary-wang")).one())
    assert client.get("/api/v1/kinds").status_code == 401
    assert client.get("/").headers["Location"] == "/login?next=/"


def test_sign_out_forgets_the_key(client, signed_in):
    """退出 clears the session; the pages ask for the key again."""
    response = client.post("/logout", data={"csrf_token": csrf_token(client)})
    assert response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_the_login_page_says_how_an_administrator_makes_a_key_for_a_person(client, make_key):
    """Someone without a key learns who makes one and with which command (and how it is revoked)."""
    make_key("read")
    page = client.get("/login").get_data(as_text=True)
    assert "还没有密钥？" in page and "由本服务的管理员在服务器上创建" in page
    assert "docgen keys create 您的姓名 \\\n    --scope render --scope read" in page
    assert "docgen keys revoke 您的姓名" in page
