"""Rate limits per key, in memory by default and in Redis when configured."""

from __future__ import annotations

import os
import uuid

import pytest

from service import create_app


@pytest.fixture(params=["memory", "redis"])
def limited_app(request, tmp_path):
    """An app allowing three requests a minute, counting in memory or in the machine's Redis."""
    storage = "memory://"
    if request.param == "redis":
        storage = os.environ.get("TEST_REDIS_URL") or pytest.skip("Redis tests need TEST_REDIS_URL=redis://127.0.0.1:6379/15")
    return create_app({
        "TESTING": True,
        "INSTANCE_PATH": tmp_path / "instance",
        "RATELIMIT_DEFAULT": "3 per minute",
        "RATELIMIT_STORAGE_URI": storage,
        "RATELIMIT_KEY_PREFIX": f"docgen-test-{uuid.uuid4().hex}",
    })


def test_fourth_request_is_429_problem(limited_app):
    """The fourth request within a minute is refused with 429 and Retry-After."""
    client = limited_app.test_client()
    statuses = [client.get("/api/v1/kinds").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/v1/kinds")
    assert refused.mimetype == "application/problem+json"
    assert "Retry-After" in refused.headers


def test_limits_count_per_key(limited_app):
    """Another key has its own allowance."""
    client = limited_app.test_client()
    for _ in range(3):
        client.get("/api/v1/kinds", headers={"X-API-Key": "dg_aaaaaaaaaaaa-first"})
    assert client.get("/api/v1/kinds", headers={"X-API-Key": "dg_aaaaaaaaaaaa-first"}).status_code == 429
    assert client.get("/api/v1/kinds", headers={"X-API-Key": "dg_bbbbbbbbbbbb-other"}).status_code != 429
