"""PDF through the API: ?format=pdf, Accept: application/pdf, the stored rendition, and 503 when it cannot be made."""

from __future__ import annotations

import subprocess

import pytest

from service import create_app
from service.pdf.worker import office_binary

from .conftest import example

needs_office = pytest.mark.skipif(office_binary() is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it")


@pytest.fixture(scope="module")
def pdf_app(tmp_path_factory):
    """One app (and one warm converter) for the module."""
    app = create_app({"TESTING": True, "INSTANCE_PATH": tmp_path_factory.mktemp("pdf") / "instance"})
    yield app
    if "docgen-pdf" in app.extensions:
        app.extensions["docgen-pdf"].converter().close()


def pdf_text(content: bytes) -> str:
    """The text of a PDF, by poppler's pdftotext."""
    return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


@needs_office
@pytest.mark.timeout(300)
def test_format_pdf_returns_the_pdf_and_keeps_the_docx(pdf_app):
    """?format=pdf answers with a PDF named like the record; the .docx stays downloadable."""
    client = pdf_app.test_client()
    response = client.post("/api/v1/documents/certificate?format=pdf", json=example("certificate"))
    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert ".pdf" in response.headers["Content-Disposition"]
    assert "荣誉证书" in pdf_text(response.data).replace(" ", "")
    record = response.headers["Location"]
    assert client.get(f"{record}/file").mimetype.endswith("wordprocessingml.document")
    again = client.get(f"{record}/file", headers={"Accept": "application/pdf"})
    assert again.data == response.data


def test_pdf_unavailable_is_503_with_the_docx_recorded(tmp_path):
    """A converter that cannot be reached gives 503 + Retry-After; the .docx record exists."""
    app = create_app({"TESTING": True, "INSTANCE_PATH": tmp_path / "i", "PDF_CONVERTER": "http://127.0.0.1:9/", "PDF_TIMEOUT": 2})
    client = app.test_client()
    response = client.post("/api/v1/documents/certificate?format=pdf", json=example("certificate"))
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert "Retry-After" in response.headers
    assert client.get(response.headers["Location"]).status_code == 200


def test_unknown_format_is_400(client):
    """Only docx and pdf are offered."""
    response = client.post("/api/v1/documents/certificate?format=odt", json=example("certificate"))
    assert response.status_code == 400
