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


@pytest.mark.parametrize(("method", "path", "body", "field"), [
    ("post", "/api/v1/numbers/中心党总支/2026/3/void", {"reason": "印\udc00错"}, "reason"),
    ("put", "/api/v1/numbers/中心党总支/2026/next", {"next_serial": 3, "\ud800": 1}, "\\ud800"),
    ("put", "/api/v1/profile", {"toml": "[organisation]\nname = \"\ud800\"\n"}, "toml"),
])
def test_lone_surrogates_in_the_admin_calls_are_a_422_naming_the_field(client, method, path, body, field):
    """The bodies of the other JSON calls are held to the same rule: 422 at the field, nothing changed."""
    response = client.open(path, method=method.upper(), data=json.dumps(body), content_type=JSON)
    assert response.status_code == 422, response.data[:300]
    assert response.mimetype == "application/problem+json"
    assert field in [error["path"] for error in response.get_json()["errors"]]
    assert client.post("/api/v1/numbers/中心党总支/2026/3/void", json={"reason": "印错"}).status_code == 200


def test_malformed_json_in_the_admin_calls_is_a_chinese_400(client):
    """A body that is not JSON is refused in Chinese, as on the documents' calls."""
    response = client.post("/api/v1/numbers/中心党总支/2026/3/void", data="{bad", content_type=JSON)
    assert response.status_code == 400
    assert response.get_json()["detail"] == "请求体不是有效的 JSON。"


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


@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/api/v1/numbers/中心党总支/2026/3/void", {"reason": "印错"}),
    ("PUT", "/api/v1/numbers/中心党总支/2026/next", {"next_serial": 3}),
])
def test_the_admin_calls_echo_no_unbounded_input_either(client, method, path, body):
    """A 5 MB unknown key is named by its first characters, 10,000 unknown keys are capped with a count, in Chinese."""
    huge = client.open(path, method=method, data=json.dumps({**body, "k" * 5_000_000: 1}), content_type=JSON)
    assert huge.status_code == 422
    (error,) = huge.get_json()["errors"]
    assert error == {"path": "k" * SHOWN_KEY + "…", "message": "没有这一项（未知字段）"}
    assert len(huge.data) < 2_000
    many = client.open(path, method=method, data=json.dumps({**body, **{f"k{i}": 1 for i in range(10_000)}}),
                       content_type=JSON)
    errors = many.get_json()["errors"]
    assert len(errors) == MAX_ERRORS + 1 and str(10_000 - MAX_ERRORS) in errors[-1]["message"]
    assert len(many.data) < 20_000


@pytest.mark.parametrize(("method", "path", "body", "said"), [
    ("POST", "/api/v1/numbers/中心党总支/2026/3/void", {}, {"path": "reason", "message": "此项必填"}),
    ("PUT", "/api/v1/numbers/中心党总支/2026/next", {"next_serial": "三"}, {"path": "next_serial", "message": "应为整数"}),
    ("PUT", "/api/v1/numbers/中心党总支/2026/next", {"next_serial": None}, {"path": "next_serial", "message": "不能为空（null）"}),
    ("PUT", "/api/v1/profile", {}, {"path": "toml", "message": "此项必填"}),
])
def test_the_admin_calls_explain_bad_bodies_in_chinese(client, method, path, body, said):
    """marshmallow's English messages are not shown: each error is told in Chinese at its field."""
    response = client.open(path, method=method, data=json.dumps(body), content_type=JSON)
    assert response.status_code == 422
    assert said in response.get_json()["errors"]


@pytest.mark.parametrize(("path", "body"), [
    ("/api/v1/batches/certificate", {"documents": [example("certificate")], "webhook": f"https://{'h' * 1_000_000}.example/"}),
    (f"/api/v1/documents/{'k' * 3000}", {}),
])
def test_other_echoed_input_is_shortened(batch_app, path, body):
    """A webhook's host or an unknown kind is named by its first characters only."""
    response = batch_app.test_client().post(path, json=body)
    assert response.status_code in (404, 422)
    assert len(response.data) < 2_000


def test_the_command_line_lists_as_many_errors_and_says_there_are_more(tmp_path, monkeypatch):
    """docgen render with 10,000 bad items: 100 errors and a count of the rest, and no wrong total."""
    from click.testing import CliRunner

    from service.cli import main

    monkeypatch.setenv("DOCGEN_INSTANCE_PATH", str(tmp_path / "instance"))
    data = tmp_path / "data.json"
    data.write_text(json.dumps({**example("meeting-minutes"), "attendees": [1] * 10_000}), encoding="utf-8")
    result = CliRunner().invoke(main, ["render", "meeting-minutes", str(data)])
    assert result.exit_code == 2
    assert f"另有{10_000 - MAX_ERRORS}处错误未列出" in result.output
    assert f"数据有超过 {MAX_ERRORS} 处错误" in result.output
    assert len(result.output) < 20_000
