"""Hostile input gets a 4xx problem naming its fields, never a 500, and never an answer much larger than asked."""

from __future__ import annotations

import json

import pytest

from schemas.checks import MAX_ERRORS
from service.engine.text import SHOWN_KEY
from tests.api.conftest import example

JSON = "application/json"


def post(client, path: str, body: str):
    """POST a JSON text as it is (json.dumps escapes a lone surrogate as \\ud800, which JSON allows)."""
    return client.post(path, data=body, content_type=JSON)


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/v1/documents/certificate", {**example("certificate"), "recipient": "王\ud800喆"}, "recipient"),
    ("/api/v1/documents/certificate", {**example("certificate"), "\udc00": 1}, "\\udc00"),
    ("/api/v1/documents/meeting-minutes", {**example("meeting-minutes"), "attendees": [{"name": "\udfff"}]},
     "attendees[0].name"),
    ("/api/v1/batches/certificate", [example("certificate"), {**example("certificate"), "recipient": "\ud800"}],
     "[1].recipient"),
    ("/api/v1/batches/certificate", [{**example("certificate"), "\ud83d": "x"}], "[0].\\ud83d"),
    ("/api/v1/batches/certificate", {"documents": [example("certificate")], "webhook": "https://\ud800.example/"},
     "webhook"),
])
def test_lone_surrogates_are_a_422_naming_the_field(batch_app, path, body, field):
    """No UTF-8 can hold a lone surrogate: refused as the request's error, at its path, nothing stored."""
    client = batch_app.test_client()
    response = post(client, path, json.dumps(body))
    assert response.status_code == 422, response.data[:300]
    assert response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]
    assert field in [error["path"] for error in errors]
    assert all("U+D" in error["message"] for error in errors if error["path"] == field)
    assert client.get("/api/v1/documents").get_json()["total"] == 0


@pytest.mark.parametrize("count", [10_000, 100_000])
def test_many_bad_items_give_a_bounded_answer(client, count):
    """10,000 (or 100,000) bad list items: the first MAX_ERRORS listed, the rest counted, the answer a few KB."""
    body = json.dumps({**example("meeting-minutes"), "attendees": [1] * count})
    response = post(client, "/api/v1/documents/meeting-minutes", body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert len(errors) == MAX_ERRORS + 1
    assert errors[0]["path"] == "attendees[0]"
    assert str(count - MAX_ERRORS) in errors[-1]["message"]
    assert len(response.data) < 20_000


def test_a_huge_unknown_key_is_not_echoed(client):
    """A 5 MB unknown key is named by its first characters only."""
    key = "k" * 5_000_000
    response = post(client, "/api/v1/documents/certificate", json.dumps({**example("certificate"), key: 1}))
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]
    assert error["path"] == "k" * SHOWN_KEY + "…"
    assert len(response.data) < 2_000


def test_unknown_keys_deep_in_the_data_are_shortened_too(client):
    """Every segment of a path is bounded, wherever it is."""
    data = example("meeting-minutes")
    data["attendees"][0]["x" * 100_000] = 1
    response = post(client, "/api/v1/documents/meeting-minutes", json.dumps(data))
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["path"] == "attendees[0]." + "x" * SHOWN_KEY + "…"


@pytest.mark.parametrize(("path", "body"), [
    ("/api/v1/batches/certificate", {"documents": [example("certificate")], "webhook": f"https://{'h' * 1_000_000}.example/"}),
    (f"/api/v1/documents/{'k' * 3000}", {}),
])
def test_other_echoed_input_is_shortened(batch_app, path, body):
    """A webhook's host or an unknown kind is named by its first characters only."""
    response = batch_app.test_client().post(path, json=body)
    assert response.status_code in (404, 422)
    assert len(response.data) < 2_000
