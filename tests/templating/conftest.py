"""Template fixtures: variants of the shipped templates, as an organisation's Word edit would make them, and the
two deployments the tests run on (SQLite with local files; PostgreSQL with an S3 bucket)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import boto3
import docx
import pytest
from docx.oxml.ns import qn

from tests.conftest import scratch_postgres

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "docx"
BUCKET = "docgen-templates"


@pytest.fixture(params=["sqlite+local", "postgresql+s3"])
def backend(request):
    """The database and storage settings of a deployment: none (SQLite and local files in the instance
    folder), or a scratch PostgreSQL database and an S3 bucket on the moto server."""
    if request.param == "sqlite+local":
        yield {}
        return
    endpoint = request.getfixturevalue("s3_endpoint")
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=BUCKET)
    with scratch_postgres(request.getfixturevalue("postgres_server")) as url:
        yield {"DATABASE_URL": url, "STORAGE_URL": f"s3://{BUCKET}?endpoint={endpoint}"}
    bucket = boto3.resource("s3", endpoint_url=endpoint).Bucket(BUCKET)
    bucket.objects.all().delete()
    bucket.delete()


def shipped(kind: str) -> bytes:
    """The shipped template of a kind."""
    return (TEMPLATES / f"{kind}.docx").read_bytes()


def edited(data: bytes, *replacements: tuple[str, str], part: str = "word/document.xml",
           extra: dict[str, bytes] | None = None) -> bytes:
    """The package with text replaced in one part (each replacement must hit) and extra entries added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == part:
                text = content.decode()
                for old, new in replacements:
                    assert old in text, old
                    text = text.replace(old, new)
                content = text.encode()
            target.writestr(info.filename, content)
        for name, content in (extra or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def text_of(document: bytes) -> str:
    """All text of a .docx body, in document order."""
    body = docx.Document(io.BytesIO(document)).element.body
    return "".join(node.text or "" for node in body.iter(qn("w:t")))
