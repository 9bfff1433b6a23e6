"""Numbers through the real app under concurrency, on SQLite and on PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote

import pytest

from service import create_app

from ..conftest import scratch_postgres
from .conftest import example

REQUESTS = 50


@pytest.fixture(params=["sqlite", "postgresql"])
def backend_app(request, tmp_path):
    """The app on a file SQLite database, or on a scratch PostgreSQL database."""
    config = {"TESTING": True, "INSTANCE_PATH": tmp_path / "instance", "RATELIMIT_ENABLED": False}
    if request.param == "sqlite":
        yield create_app(config)
        return
    with scratch_postgres(request.getfixturevalue("postgres_server")) as url:
        app = create_app({**config, "DATABASE_URL": url})
        yield app
        app.extensions["docgen"].sessions.kw["bind"].dispose()


def test_fifty_concurrent_requests_get_fifty_consecutive_numbers(backend_app):
    """50 parallel certificate requests: 50 records, numbers 1..50, none twice."""
    data = example("certificate")
    data.pop("number", None)

    def post(_):
        """One request on its own client."""
        response = backend_app.test_client().post("/api/v1/documents/certificate", json=data)
        assert response.status_code == 201, response.get_data(as_text=True)
        return unquote(response.headers["X-Docgen-Number"])

    with ThreadPoolExecutor(max_workers=10) as pool:
        numbers = list(pool.map(post, range(REQUESTS)))
    serials = sorted(int(number.split("〕")[1].rstrip("号")) for number in numbers)
    assert serials == list(range(1, REQUESTS + 1))
    listing = backend_app.test_client().get("/api/v1/documents?limit=200").get_json()
    assert listing["total"] == REQUESTS


def test_supplied_duplicate_is_409_on_every_backend(backend_app):
    """A number supplied twice is refused the second time."""
    client = backend_app.test_client()
    data = {**example("certificate"), "number": None}
    first = client.post("/api/v1/documents/certificate", json=data)
    number = unquote(first.headers["X-Docgen-Number"])
    again = client.post("/api/v1/documents/certificate", json={**data, "number": number})
    assert again.status_code == 409
