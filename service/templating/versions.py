"""A kind's template versions as the API, the web page and the CLI handle them: upload (checked first),
list, activate, roll back, read any version's file and preview it with the kind's example."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .. import engine
from ..catalog import Kind
from ..store import db, templates
from ..store.models import TemplateVersion
from .checks import check_template

ACTIVE, SHIPPED = "active", "shipped"


class UnknownVersion(LookupError):
    """No such version of the kind."""


@dataclass(frozen=True)
class Listing:
    """A kind's versions, newest first, which one is active (None: the shipped template) and the shipped hash."""

    versions: list[TemplateVersion]
    active: TemplateVersion | None
    shipped_sha256: str


def upload(services, kind: Kind, data: bytes, *, filename: str, note: str, uploaded_by: str,
           activate: bool = False) -> TemplateVersion:
    """Check the file (checks.Refused before anything is stored), store it as the next version, maybe activate it."""
    accepted = check_template(kind, data)
    with db.writing(services.sessions) as session:
        version = templates.add_version(session, services.storage, kind.id, data, filename=filename, note=note,
                                        warnings=accepted.warnings, uploaded_by=uploaded_by)
        if activate:
            templates.activate(session, kind.id, version, uploaded_by)
    return version


def listing(services, kind: Kind) -> Listing:
    """The kind's versions and which one is in use."""
    with services.sessions() as session:
        return Listing(templates.versions(session, kind.id), templates.active_version(session, kind.id),
                       kind.template.sha256)


def _chosen(session, kind: Kind, ref: str) -> TemplateVersion | None:
    """The version a reference names: a number, `active`, or `shipped` (None); UnknownVersion otherwise."""
    if ref == SHIPPED:
        return None
    if ref == ACTIVE:
        return templates.active_version(session, kind.id)
    try:
        return templates.version(session, kind.id, int(ref))
    except (ValueError, templates.NoSuchVersion):
        raise UnknownVersion(ref) from None


def activate(services, kind: Kind, ref: str, activated_by: str) -> TemplateVersion | None:
    """Make the referenced version (or the shipped template) the one every worker uses from the next document."""
    with db.writing(services.sessions) as session:
        chosen = _chosen(session, kind, ref)
        templates.activate(session, kind.id, chosen, activated_by)
    return chosen


def rollback(services, kind: Kind, ref: str | None, activated_by: str) -> TemplateVersion | None:
    """Go back to `ref`, or (None) to the version active before the current one."""
    with db.writing(services.sessions) as session:
        chosen = templates.previous(session, kind.id) if ref is None else _chosen(session, kind, ref)
        templates.activate(session, kind.id, chosen, activated_by)
    return chosen


def file_of(services, kind: Kind, ref: str) -> tuple[bytes, str]:
    """A version's .docx and a download name for it."""
    with services.sessions() as session:
        chosen = _chosen(session, kind, ref)
    if chosen is None:
        return kind.template_path.read_bytes(), f"{kind.title}模板（默认）.docx"
    return services.storage.get(chosen.file_key), f"{kind.title}模板（第{chosen.seq}版）.docx"


def preview(services, kind: Kind, ref: str) -> tuple[bytes, str]:
    """The kind's example filled into a version, and a download name for it."""
    data, name = file_of(services, kind, ref)
    return kind.render(kind.example_data(), engine.from_bytes(data))[0], name.replace("模板", "示例", 1)


def page_image(pdf: bytes, page: int) -> bytes | None:
    """One page of a PDF as a PNG (pdftoppm), None when the page does not exist or poppler is missing."""
    if shutil.which("pdftoppm") is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "preview.pdf"
        source.write_bytes(pdf)
        done = subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile",
                               str(source), str(Path(folder) / "page")], capture_output=True, timeout=60)
        image = Path(folder) / "page.png"
        return image.read_bytes() if done.returncode == 0 and image.exists() else None

