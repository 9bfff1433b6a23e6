"""The organisation profile as an administrator stores it: TOML text in the store, checked before it is
kept, and picked up by every process at its next request or job (Services.refresh() reads its hash), without restart.
Until one is stored, an app uses the file its PROFILE setting names (DOCGEN_PROFILE; else the packaged one)."""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from schemas.profile import PROFILE, Profile, default_text, parse_profile

from .store import db
from .store.models import Setting, utcnow

KEY = "profile"
_lock = threading.Lock()
_in_use: str | None = None  # what the process's PROFILE holds: a stored profile's content hash, or a file's text
STORED_SHA256 = select(Setting.sha256).where(Setting.key == KEY).scalar_subquery()  # None until one is stored


@dataclass(frozen=True)
class Stored:
    """The profile text in use and who stored it when (None for the file's)."""

    text: str
    updated_by: str | None
    updated_at: object | None


class Profiles:
    """An app's profile: the one an administrator stored, else the app's file (its PROFILE setting)."""

    def __init__(self, sessions: sessionmaker[Session], path: str | os.PathLike | None = None):
        """Read and check the file (ProfileError naming it when it is not a profile)."""
        self.sessions = sessions
        self.text = default_text(path)
        self.shipped = parse_profile(self.text, str(path or "schemas/profile.toml"))

    def use(self, sha256: str | None) -> Profile:
        """Use the stored profile with this content hash (None: the file's) unless this process uses it already;
        the profile in use. Services.refresh() reads the hash with what else an administrator may change."""
        global _in_use  # noqa: PLW0603 (the process's profile in use, shared by its apps and threads)
        wanted = sha256 or self.text
        if wanted != _in_use:
            with _lock:
                if sha256 is None:
                    PROFILE.use(self.shipped)
                else:
                    with self.sessions() as session:
                        PROFILE.use(parse_profile(session.get(Setting, KEY).value))
                _in_use = wanted
        return PROFILE.current

    def stored(self) -> Stored:
        """The profile text in use: the stored one, else the file's."""
        with self.sessions() as session:
            row = session.get(Setting, KEY)
        return Stored(self.text, None, None) if row is None else Stored(row.value, row.updated_by, row.updated_at)

    def save(self, text: str, updated_by: str) -> Profile:
        """Check and store a profile (ProfileError naming the problem); every process uses it from its next request."""
        profile = parse_profile(text)
        with db.writing(self.sessions) as session:
            row = session.get(Setting, KEY) or Setting(key=KEY)
            row.value, row.sha256 = text, hashlib.sha256(text.encode()).hexdigest()
            row.updated_by, row.updated_at = updated_by, utcnow()
            session.add(row)
        self.use(row.sha256)
        return profile
