"""PDF output: .docx bytes to PDF bytes through warm LibreOffice converters, and PDF merging.

Design. A ConverterPool starts `size` LibreOffice processes (soffice.bin --headless, one per
core by default), each with its own profile (-env:UserInstallation) and listening on a private
UNO pipe. Debian's python3-uno belongs to the system Python, so each office is driven by a tiny
bridge, unobridge.py, run by /usr/bin/python3; the service talks to it with one JSON line per
request over the bridge's stdin/stdout and exchanges the files in the converter's directory.
A converter serves one request at a time; a request waits `wait` seconds for a free one (else
PoolBusy). An office that crashes, or gives no answer within `timeout` seconds (hangs), is
killed and restarted; every failed conversion is retried once (else ConversionError), so a
request takes at most about wait + 2 x timeout. An office is also replaced after 500
conversions. Processes stop on close(), at interpreter exit, and when the service dies (the
bridge sees end of input and ends its office). The bridge works around two LibreOffice 7.4
faults with GB/T 9704 layouts: doubled character-grid cells and lost hanging punctuation.
Fonts: the offices run with FONTCONFIG_FILE set to a file that lists FONTS_DIR first and
includes service/fonts/fonts.conf (free stand-ins for 仿宋_GB2312, 方正小标宋简体, ...).
Create a pool per process (after a gunicorn fork), not before.

HttpConverter has the same interface and posts to a Gotenberg-style service on another machine.

    with pool_from_config(app.config) as converter:
        pdf = converter.convert(docx_bytes)        # PdfError subclasses: map to 503 + Retry-After
    merge_pdfs([pdf1, pdf2])                       # one print job for a batch, in order
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping

from ..config import DEFAULTS
from .converter import Converter
from .errors import ConversionError, PdfError, PoolBusy
from .pool import ConverterPool
from .remote import HttpConverter

__all__ = [
    "ConversionError", "Converter", "ConverterPool", "HttpConverter", "PdfError", "PoolBusy",
    "merge_pdfs", "pool_from_config",
]


def pool_from_config(config: Mapping) -> Converter:
    """A converter from settings: PDF_CONVERTER ("local" or a URL), PDF_POOL_SIZE, PDF_TIMEOUT, PDF_WAIT, FONTS_DIR."""
    config = {**DEFAULTS, **config}
    target = config["PDF_CONVERTER"] or "local"
    timeout = float(config["PDF_TIMEOUT"])
    if target.startswith(("http://", "https://")):
        return HttpConverter(target, timeout=timeout)
    if target != "local":
        raise ValueError(f"PDF_CONVERTER must be 'local' or an http(s) URL, not {target!r}")
    size = config["PDF_POOL_SIZE"]
    return ConverterPool(size=int(size) if size else None, timeout=timeout,
                         wait=float(config["PDF_WAIT"]), fonts_dir=config["FONTS_DIR"] or None)


def merge_pdfs(pdfs: Iterable[bytes]) -> bytes:
    """One PDF with the pages of `pdfs` in order (a batch as one print job)."""
    from pypdf import PdfWriter  # imported here: only merging needs it, and it is slow to import

    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(io.BytesIO(pdf))
    if not writer.pages:
        raise ValueError("no pages to merge")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
