"""The organisation profile as an administrator stores it: TOML text in the store, checked before it is
kept, and picked up by every process at its next request or job (one indexed query), without restart."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from schemas.profile import PROFILE, Profile, default_text, parse_profile

from .store import db
from .store.models import Setting, utcnow

KEY = "profile"
_SHIPPED = PROFILE.current  # the file's profile, in use while none is stored
_lock = threading.Lock()
_in_use: str | None = None  # the content hash of the stored profile in use (None: the file's)


@dataclass(frozen=True)
class Stored:
    """The profile text in use and who stored it when (None for the file's)."""

    text: str
    updated_by: str | None
    updated_at: object | None


def refresh(sessions: sessionmaker[Session]) -> Profile:
    """Use the stored profile if it changed since this process last looked; gives the profile in use."""
    global _in_use
    with sessions() as session:
        sha256 = session.scalar(select(Setting.sha256).where(Setting.key == KEY))
    if sha256 != _in_use:
        with _lock:
            if sha256 is None:
                PROFILE.use(_SHIPPED)
            else:
                with sessions() as session:
                    PROFILE.use(parse_profile(session.get(Setting, KEY).value))
            _in_use = sha256
    return PROFILE.current


def stored(sessions: sessionmaker[Session]) -> Stored:
    """The profile text in use: the stored one, else the file's."""
    with sessions() as session:
        row = session.get(Setting, KEY)
    return Stored(default_text(), None, None) if row is None else Stored(row.value, row.updated_by, row.updated_at)


def save(sessions: sessionmaker[Session], text: str, updated_by: str) -> Profile:
    """Check and store a profile (ProfileError naming the problem); every process uses it from its next request."""
    profile = parse_profile(text)
    with db.writing(sessions) as session:
        row = session.get(Setting, KEY) or Setting(key=KEY)
        row.value, row.sha256 = text, hashlib.sha256(text.encode()).hexdigest()
        row.updated_by, row.updated_at = updated_by, utcnow()
        session.add(row)
    refresh(sessions)
    return profile
