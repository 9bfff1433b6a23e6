"""Access holds against hostile requests: no CSRF bypass, no open redirect, authentication before anything else."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import Workbook

from tests.api.conftest import example
from tests.batch.conftest import certificates, xlsx
from tests.web.test_pages import JSON_BODY, sign_in

CROSS_SITE = {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}


def total(client, token: str) -> int:
    """How many documents the store holds, asked with a key."""
    return client.get("/api/v1/documents", headers={"X-API-Key": token}).get_json()["total"]


@pytest.fixture
def signed_in(client, make_key):
    """A browser signed in with a key that may render and read; returns the key."""
    token = make_key("render", "read", name="secretary-wang")
    assert sign_in(client, token).status_code == 302
    return token


@pytest.mark.parametrize("header", [{"X-API-Key": ""}, {"X-API-Key": "  "}, {"Authorization": "Bearer "},
                                    {"Authorization": "Bearer  ", "X-API-Key": ""}])
@pytest.mark.parametrize("site", [{}, CROSS_SITE])
def test_an_empty_key_header_does_not_skip_the_csrf_check(client, signed_in, header, site):
    """A cookie-session POST with an empty key header is still a cookie-session POST: 403 without the token."""
    response = client.post("/api/v1/documents/certificate", data=json.dumps(example("certificate")),
                           headers={**JSON_BODY, **header, **site})
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert total(client, signed_in) == 0


@pytest.mark.parametrize("site", [{}, CROSS_SITE])
def test_an_empty_key_header_does_not_skip_the_csrf_check_of_uploads(client, signed_in, site):
    """The same for a batch upload: refused, no batch recorded."""
    workbook = io.BytesIO(xlsx(Workbook()))  # never read: refused before
    response = client.post("/api/v1/batches/certificate", data={"file": (workbook, "a.xlsx")},
                           headers={"X-API-Key": "", **site}, content_type="multipart/form-data")
    assert response.status_code == 403
    response = client.post("/api/v1/batches/certificate", data=json.dumps(certificates(2)),
                           headers={**JSON_BODY, "X-API-Key": "", **site})
    assert response.status_code == 403


@pytest.mark.parametrize("target", ["/\t/evil.example/", "/\n/evil.example/", "/\r\n/evil.example", "/\\evil.example",
                                    "\\\\evil.example", "//evil.example", "/ /evil.example", "https://evil.example/",
                                    "/\x00/evil.example", "/\t\\evil.example"])
def test_sign_in_never_redirects_off_site(client, make_key, target):
    """Browsers drop tabs and line breaks from a Location and read \\ as /: such targets go home instead."""
    token = make_key("read")
    assert sign_in(client, token, target).headers["Location"] == "/"


def test_sign_in_still_returns_to_a_page_of_this_site(client, make_key):
    """A plain path of this site, with its query, is where the browser goes back to."""
    token = make_key("read")
    assert sign_in(client, token, "/forms/certificate?copy=1").headers["Location"] == "/forms/certificate?copy=1"


@pytest.mark.parametrize("path", ["/api/v1/documents/secret-orders", "/api/v1/batches/secret-orders"])
def test_unknown_kinds_need_a_key_first(client, make_key, path):
    """Without a key an unknown kind is 401 like a known one: the caller learns nothing; with one, 404."""
    token = make_key("render")
    anonymous = client.post(path, json={})
    assert anonymous.status_code == 401
    assert anonymous.mimetype == "application/problem+json"
    assert client.post(path, json={}, headers={"X-API-Key": token}).status_code == 404


@pytest.mark.parametrize("series, message", [
    *((series, "机关代字应为1–") for series in ("%00", "a%0Ab", "%E3%80%94x", "%20", "x" * 31, "%09tab")),
    *((series, "机关代字含有不是 UTF-8 编码的字节") for series in ("%ED%A0%80", "a%FFb")),
])
def test_series_names_are_validated(client, series, message):
    """PUT …/numbers/{series}/{year}/next takes only a series that could stand in a number: 422 naming it,
    saying what is wrong (bytes that are not UTF-8 are told apart from a misshapen name)."""
    for method, path, body in (("put", f"/api/v1/numbers/{series}/2026/next", {"next_serial": 3}),
                               ("post", f"/api/v1/numbers/{series}/2026/3/void", {"reason": "印错"})):
        response = getattr(client, method)(path, json=body)
        assert response.status_code == 422, (path, response.get_json())
        assert response.get_json()["errors"][0]["path"] == "series"
        assert response.get_json()["errors"][0]["message"].startswith(message), response.get_json()


def test_a_good_series_is_still_adopted(client):
    """A 机关代字 as the numbers use it is accepted."""
    assert client.put("/api/v1/numbers/中心党总支/2026/next", json={"next_serial": 12}).status_code == 204


@pytest.mark.parametrize("series", ["\x00", "a\nb", "〔x", " ", "x" * 31])
def test_the_command_line_validates_series_names_too(tmp_path, monkeypatch, series):
    """docgen numbers set-next and void refuse such a series with the API's message, exit status 2."""
    from click.testing import CliRunner

    from service.cli import main

    monkeypatch.setenv("DOCGEN_INSTANCE_PATH", str(tmp_path / "instance"))
    for arguments in (["set-next", series, "2026", "3"], ["void", series, "2026", "3", "--reason", "印错"]):
        result = CliRunner().invoke(main, ["numbers", *arguments])
        assert result.exit_code == 2 and "机关代字应为" in result.output, result.output
