"""One warm LibreOffice converter (the app's ConverterPool) shared by the fidelity tests."""

from __future__ import annotations

import pytest

from service.pdf import ConverterPool
from service.pdf.worker import office_binary


@pytest.fixture(scope="session")
def pool():
    """The converter the service uses for PDFs, started once."""
    if office_binary() is None:
        pytest.skip("fidelity tests need LibreOffice: no soffice on PATH")
    with ConverterPool(size=1) as converter:
        yield converter
