"""API keys: tokens are shown once, stored as SHA-256 hashes, compared in constant time."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable

from sqlalchemy import Update, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from service.store.db import require_write, writing
from service.store.models import ApiKey, utcnow

SCOPES = frozenset({"render", "read", "admin"})
TOKEN_PREFIX = "dg_"
PREFIX_LENGTH = len(TOKEN_PREFIX) + 12
TOUCH_EVERY = dt.timedelta(minutes=5)
KEYS = ApiKey.__table__


def _hash(token: str) -> str:
    """The SHA-256 hex digest of a token; tokens carry 256 random bits, so no salt is needed."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_key(session: Session, name: str, scopes: Iterable[str]) -> tuple[ApiKey, str]:
    """Create a key; return its record and the token, which is never available again.

    Tokens look like ``dg_<12 hex><43 url-safe chars>``; the first 15 characters are the
    key's prefix, shown in lists. Raise ValueError for unknown or missing scopes.
    """
    require_write(session)
    scopes = sorted(set(scopes))
    if not scopes or not SCOPES.issuperset(scopes):
        raise ValueError(f"scopes must be a non-empty subset of {sorted(SCOPES)}")
    token = TOKEN_PREFIX + secrets.token_hex(6) + secrets.token_urlsafe(32)
    prefix = token[:PREFIX_LENGTH]
    key = ApiKey(name=name, prefix=prefix, hash=_hash(token), scopes=scopes, created_at=utcnow())
    session.add(key)
    session.flush()
    return key, token


def list_keys(session: Session) -> list[ApiKey]:
    """All keys, revoked ones included, oldest first."""
    return list(session.scalars(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)))


def find_keys(session: Session, id_or_name: str) -> list[ApiKey]:
    """The key with this id; else the live keys with this name, or failing those the revoked ones."""
    key = session.get(ApiKey, id_or_name)
    if key is not None:
        return [key]
    named = list(session.scalars(select(ApiKey).where(ApiKey.name == id_or_name).order_by(ApiKey.created_at)))
    return [key for key in named if key.revoked_at is None] or named[-1:]


def revoke_key(session: Session, key_id: str) -> ApiKey | None:
    """Revoke a key for good (revoking twice keeps the first time); None if there is no such key."""
    require_write(session)
    key = session.get(ApiKey, key_id, with_for_update=True)
    if key is not None and key.revoked_at is None:
        key.revoked_at = utcnow()
        session.flush()
    return key


def authenticate(sessions: sessionmaker[Session], token: str) -> ApiKey | None:
    """Return the live key whose token this is, or None (unknown, wrong or revoked).

    Runs its own short transactions: a read, and at most every TOUCH_EVERY per key a
    write that records last_used_at, so most requests never take the write lock.
    """
    with sessions.kw["bind"].connect() as connection:  # a Core read: this runs on every API request
        row = connection.execute(select(KEYS).where(KEYS.c.prefix == token[:PREFIX_LENGTH])).first()
    key = ApiKey(**row._mapping) if row is not None else None
    if key is None or not hmac.compare_digest(key.hash, _hash(token)) or key.revoked_at is not None:
        return None
    now = utcnow()
    if key.last_used_at is None or now - key.last_used_at >= TOUCH_EVERY:
        with writing(sessions) as session:
            session.execute(_touch(key.id, now))
        key.last_used_at = now
    return key


def _touch(key_id: str, now: dt.datetime) -> Update:
    """UPDATE last_used_at unless another request already did it recently."""
    stale = or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < now - TOUCH_EVERY)
    return update(ApiKey).where(ApiKey.id == key_id, stale).values(last_used_at=now)
