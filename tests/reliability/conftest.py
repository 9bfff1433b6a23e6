"""Fixtures of the reliability suite: the API's app fixtures, and apps whose batches run at once."""

from __future__ import annotations

import pytest

from service import create_app
from tests.api.conftest import app, client, make_key  # noqa: F401 (the API's app fixtures, shared)


@pytest.fixture
def batch_app(tmp_path):
    """An app whose queue runs each batch step at once, inside the request that enqueues it."""
    return create_app({"TESTING": True, "INSTANCE_PATH": tmp_path / "instance", "QUEUE_URL": "immediate:",
                       "RATELIMIT_ENABLED": False})
