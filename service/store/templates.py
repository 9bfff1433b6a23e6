"""Template versions: each upload's file in the storage backend, its record, and which one is active."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from .db import require_write
from .files import Storage
from .models import TemplateActivation, TemplateVersion


class DuplicateVersion(ValueError):
    """The kind already has a version with exactly these bytes."""

    def __init__(self, seq: int):
        super().__init__(f"same content as version {seq}")
        self.seq = seq


class NoSuchVersion(LookupError):
    """The kind has no version with this number."""


@dataclass(frozen=True)
class Active:
    """What a kind uses now: an uploaded version (its hash and file), or the shipped template (None)."""

    sha256: str | None
    file_key: str | None


SHIPPED = Active(None, None)
# Activations are only ever added: their count changes with every one, in any process (see Services.refresh()).
ACTIVATIONS = select(func.count()).select_from(TemplateActivation).scalar_subquery()


def file_key(kind: str, sha256: str) -> str:
    """Where a version's bytes are stored: named by content, so a key never changes meaning."""
    return f"templates/{kind}/{sha256}.docx"


def add_version(session: Session, storage: Storage, kind: str, data: bytes, *, filename: str, note: str,
                warnings: list, uploaded_by: str) -> TemplateVersion:
    """Store the file and record it as the kind's next version (not activated); DuplicateVersion if known."""
    require_write(session)
    sha256 = hashlib.sha256(data).hexdigest()
    existing = session.scalar(select(TemplateVersion).where(TemplateVersion.kind == kind,
                                                            TemplateVersion.sha256 == sha256))
    if existing is not None:
        raise DuplicateVersion(existing.seq)
    seq = (session.scalar(select(func.max(TemplateVersion.seq)).where(TemplateVersion.kind == kind)) or 0) + 1
    key = file_key(kind, sha256)
    storage.put(key, data)
    version = TemplateVersion(kind=kind, seq=seq, sha256=sha256, size=len(data), file_key=key, filename=filename,
                              note=note, warnings=warnings, uploaded_by=uploaded_by)
    session.add(version)
    session.flush()
    return version


def version(session: Session, kind: str, seq: int) -> TemplateVersion:
    """The kind's version with this number, or NoSuchVersion."""
    found = session.scalar(select(TemplateVersion).where(TemplateVersion.kind == kind, TemplateVersion.seq == seq))
    if found is None:
        raise NoSuchVersion(f"{kind} has no template version {seq}")
    return found


def versions(session: Session, kind: str) -> list[TemplateVersion]:
    """The kind's versions, newest first."""
    return list(session.scalars(select(TemplateVersion).where(TemplateVersion.kind == kind)
                                .order_by(TemplateVersion.seq.desc())))


def _activations(kind: str):
    """The kind's activations, latest first."""
    return select(TemplateActivation).where(TemplateActivation.kind == kind).order_by(TemplateActivation.id.desc())


def active(connection: Connection) -> dict[str, Active]:
    """The kinds' active uploaded templates, by kind, in one query (a kind not in it uses the shipped template)."""
    latest = select(func.max(TemplateActivation.id)).group_by(TemplateActivation.kind)
    rows = connection.execute(
        select(TemplateActivation.kind, TemplateVersion.sha256, TemplateVersion.file_key)
        .join(TemplateVersion, TemplateVersion.id == TemplateActivation.version_id)
        .where(TemplateActivation.id.in_(latest)))
    return {row.kind: Active(row.sha256, row.file_key) for row in rows}


def active_version(session: Session, kind: str) -> TemplateVersion | None:
    """The kind's active uploaded version, or None when the shipped template is in use."""
    latest = session.scalars(_activations(kind).limit(1)).first()
    return None if latest is None or latest.version_id is None else session.get(TemplateVersion, latest.version_id)


def activate(session: Session, kind: str, chosen: TemplateVersion | None, activated_by: str) -> None:
    """Make `chosen` (None: the shipped template) the kind's active template from the next request on."""
    require_write(session)
    session.add(TemplateActivation(kind=kind, version_id=chosen.id if chosen else None, activated_by=activated_by))
    session.flush()


def previous(session: Session, kind: str) -> TemplateVersion | None:
    """The version that was active before the current one (None: the shipped template)."""
    activations = list(session.scalars(_activations(kind)))
    current = activations[0].version_id if activations else None
    earlier = next((row.version_id for row in activations if row.version_id != current), None)
    return None if earlier is None else session.get(TemplateVersion, earlier)
