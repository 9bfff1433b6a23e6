"""Hostile input gets the right 4xx problem and writes nothing."""

from __future__ import annotations

import io

import docx
import pytest

from .conftest import example


def total(client) -> int:
    """How many documents the store holds."""
    return client.get("/api/v1/documents").get_json()["total"]


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b'{"a": 1}', "text/plain", 415),
        (b"a=1", "application/x-www-form-urlencoded", 415),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 400),
        (b"[1, 2]", "application/json", 422),
        (b"null", "application/json", 422),
    ],
)
def test_bad_bodies(client, body, content_type, status):
    """Malformed, wrongly typed or absurdly nested bodies are refused with a problem."""
    response = client.post("/api/v1/documents/certificate", data=body, content_type=content_type)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert total(client) == 0


def test_huge_body_is_413(client):
    """A 50 MB body is refused before it is read."""
    response = client.post("/api/v1/documents/certificate", data=b" " * (50 * 1024 * 1024), content_type="application/json")
    assert response.status_code == 413
    assert response.mimetype == "application/problem+json"


def test_unknown_kind_is_404(client):
    """An unknown kind is a 404 problem in Chinese."""
    response = client.post("/api/v1/documents/secret-orders", json={})
    assert response.status_code == 404
    assert "secret-orders" in response.get_json()["detail"]


def _poison(value, text):
    """Replace every string in the data with Jinja-looking text."""
    if isinstance(value, dict):
        return {k: _poison(v, text) for k, v in value.items()}
    if isinstance(value, list):
        return [_poison(v, text) for v in value]
    return text if isinstance(value, str) and not value[:4].isdigit() else value


@pytest.mark.parametrize("text", ["{{ 7*7 }}", "{% for x in y %}", "A & B <c> \"d\""])
def test_template_syntax_in_text_fields_appears_literally(client, text):
    """Tags typed into a text field are printed as typed, never evaluated."""
    data = _poison(example("certificate"), text)
    for field in ("number", "honour", "issuer"):
        data[field] = example("certificate").get(field)
    data = {k: v for k, v in data.items() if v is not None}
    response = client.post("/api/v1/documents/certificate", json=data)
    assert response.status_code == 201, response.get_json()
    body = "\n".join(p.text for p in docx.Document(io.BytesIO(response.data)).paragraphs)
    assert text in body
    assert "49" not in body


def test_keys_are_enforced_once_configured(client, make_key):
    """Missing, invalid, revoked or under-scoped keys: 401/403, nothing written."""
    render = make_key("render")
    reader = make_key("read", name="reader")
    data = example("certificate")
    assert client.post("/api/v1/documents/certificate", json=data).status_code == 401
    bad = client.post("/api/v1/documents/certificate", json=data, headers={"Authorization": "Bearer dg_wrong"})
    assert bad.status_code == 401
    scoped = client.post("/api/v1/documents/certificate", json=data, headers={"X-API-Key": reader})
    assert scoped.status_code == 403
    assert total_with(client, reader) == 0
    ok = client.post("/api/v1/documents/certificate", json=data, headers={"Authorization": f"Bearer {render}"})
    assert ok.status_code == 201
    assert client.get("/api/v1/documents", headers={"X-API-Key": render}).status_code == 403


def total_with(client, token) -> int:
    """How many documents the store holds, asked with a key."""
    return client.get("/api/v1/documents", headers={"X-API-Key": token}).get_json()["total"]


def test_revoked_key_is_refused(app, client, make_key):
    """A revoked key no longer works."""
    from service.store.db import writing
    from service.store.keys import list_keys, revoke_key

    token = make_key("render", "read")
    with writing(app.extensions["docgen"].sessions) as session:
        revoke_key(session, list_keys(session)[0].id)
    make_key("read", name="other")
    response = client.get("/api/v1/documents", headers={"X-API-Key": token})
    assert response.status_code == 401
