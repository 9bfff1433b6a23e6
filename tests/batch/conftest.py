"""Batch fixtures: kinds and layouts, apps running their queue at once, workbooks, LibreOffice."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import Workbook

from service import create_app
from service.batch.layout import layout_of
from service.catalog import Catalog

CATALOG = Catalog()
KINDS = [kind.id for kind in CATALOG]
NAMES = "王喆 陈堃 林赟 欧阳思琪 马骏 李静怡 郑昊 周堃 孙悦 刘赟".split()


def kind(kind_id: str):
    """A kind of the catalogue."""
    return CATALOG.get(kind_id)


def layout(kind_id: str):
    """A kind's sheet layout."""
    return layout_of(kind(kind_id))


def certificates(count: int, **changes) -> list[dict]:
    """`count` certificate payloads for different people."""
    example = kind("certificate").example()
    return [{**example, "recipient": f"{NAMES[n % len(NAMES)]}{n}", **changes} for n in range(count)]


def xlsx(book: Workbook) -> bytes:
    """An openpyxl workbook saved to bytes."""
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def app(tmp_path):
    """An app whose queue runs each task at once, inside the request that enqueues it."""
    return create_app({"TESTING": True, "INSTANCE_PATH": tmp_path / "instance", "QUEUE_URL": "immediate:",
                       "RATELIMIT_ENABLED": False})


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


@pytest.fixture(scope="session")
def soffice() -> str:
    """The LibreOffice binary; the test is skipped, saying so, where it is not installed."""
    found = shutil.which("soffice")
    if not found:
        pytest.skip("LibreOffice is not installed (apt-get install -y libreoffice-calc-nogui); CI installs it")
    return found


@pytest.fixture
def convert(soffice, tmp_path):
    """Convert a file with LibreOffice (own profile, so parallel runs do not collide)."""

    def run(source: Path, target: str, infilter: str | None = None) -> Path:
        """soffice --headless --convert-to `target`; the converted file."""
        out = tmp_path / f"converted-{target}"
        command = [soffice, f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                   "--convert-to", target, "--outdir", str(out), str(source)]
        if infilter:
            command.insert(3, f"--infilter={infilter}")
        subprocess.run(command, check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)})
        return out / f"{source.stem}.{target}"

    return run
