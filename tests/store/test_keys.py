"""API keys: created once, stored hashed, authenticated in constant time, revocable, scoped."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text, update

from service.store.db import writing
from service.store.keys import authenticate, create_key, list_keys, revoke_key
from service.store.models import ApiKey


def new_key(sessions, name="HR system", scopes=("render", "read")):
    """Create a key in its own transaction; return (record, token)."""
    with writing(sessions) as session:
        return create_key(session, name, scopes)


def test_token_is_shown_once_and_only_its_hash_is_stored(sessions, db):
    """The database holds the SHA-256 and the display prefix, never the token."""
    key, token = new_key(sessions)
    assert token.startswith("dg_") and len(token) > 50 and token.startswith(key.prefix)
    with db.connect() as connection:
        rows = connection.execute(text("SELECT * FROM api_keys")).all()
    stored = " ".join(str(value) for row in rows for value in row)
    assert token not in stored and token[len(key.prefix):] not in stored
    assert key.hash in stored and len(key.hash) == 64


def test_authenticate_accepts_the_token_and_nothing_else(sessions):
    """The right token returns the key; a changed, truncated or unknown token returns None."""
    key, token = new_key(sessions)
    assert authenticate(sessions, token).id == key.id
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for wrong in (tampered, token[:-5], "dg_000000000000" + token[15:], "", "Bearer x"):
        assert authenticate(sessions, wrong) is None


def test_revoked_keys_are_rejected(sessions):
    """After revocation the token no longer authenticates; revoking again keeps the first time."""
    key, token = new_key(sessions)
    with writing(sessions) as session:
        first = revoke_key(session, key.id).revoked_at
    with writing(sessions) as session:
        assert revoke_key(session, key.id).revoked_at == first
        assert revoke_key(session, "no-such-key") is None
    assert authenticate(sessions, token) is None


def test_scopes_are_validated_and_explicit(sessions):
    """Scopes must be a non-empty subset of render/read/admin; admin does not imply the others."""
    key, _ = new_key(sessions, scopes=["read", "read"])
    assert key.scopes == ["read"] and key.allows("read") and not key.allows("render")
    admin, _ = new_key(sessions, name="ops", scopes=["admin"])
    assert admin.allows("admin") and not admin.allows("read")
    for bad in ([], ["render", "write"]):
        with pytest.raises(ValueError), writing(sessions) as session:
            create_key(session, "bad", bad)


def test_last_used_at_is_recorded_but_not_on_every_request(sessions):
    """The first use records last_used_at; a use within minutes does not write again."""
    key, token = new_key(sessions)
    used = authenticate(sessions, token).last_used_at
    assert used is not None and key.last_used_at is None
    assert authenticate(sessions, token).last_used_at == used
    long_ago = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    with writing(sessions) as session:
        session.execute(update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=long_ago))
    assert authenticate(sessions, token).last_used_at > used
    with sessions() as session:
        assert session.scalar(select(ApiKey.last_used_at).filter_by(id=key.id)) > used


def test_list_keys_shows_all_keys_oldest_first(sessions):
    """Listing returns every key, revoked ones included, with prefixes but no tokens."""
    first, _ = new_key(sessions, name="HR system")
    second, _ = new_key(sessions, name="OA")
    with writing(sessions) as session:
        revoke_key(session, first.id)
    with sessions() as session:
        keys = list_keys(session)
    assert [k.name for k in keys] == ["HR system", "OA"]
    assert keys[0].revoked_at is not None and keys[1].prefix == second.prefix
