"""App fixtures: a fresh instance folder and SQLite database per test."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service import create_app
from service.store.db import writing
from service.store.keys import create_key

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def app(tmp_path):
    """The application on its own instance folder (SQLite, local files)."""
    return create_app({"TESTING": True, "INSTANCE_PATH": tmp_path / "instance"})


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def make_key(app):
    """Create an API key with the given scopes; returns the token."""

    def make(*scopes: str, name: str = "hr-system") -> str:
        """One key, its token returned once."""
        with writing(app.extensions["docgen"].sessions) as session:
            return create_key(session, name, scopes)[1]

    return make


def example(kind: str) -> dict:
    """The example input of a kind."""
    return json.loads((EXAMPLES / f"{kind}.json").read_text(encoding="utf-8"))
