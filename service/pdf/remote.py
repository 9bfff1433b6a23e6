"""HttpConverter: a Gotenberg-style converter on another machine (POST /forms/libreoffice/convert)."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
import uuid

from ..config import DEFAULTS
from .converter import Converter
from .errors import ConversionError, PoolBusy

log = logging.getLogger(__name__)
BUSY = {429, 503}


def multipart(docx: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with the document as field `files`, and its content type."""
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"document.docx\"\r\n"
            "Content-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document\r\n\r\n")
    body = head.encode() + docx + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


class HttpConverter(Converter):
    """Posts each document to `url` + /forms/libreoffice/convert and returns the PDF it answers."""

    def __init__(self, url: str, timeout: float = DEFAULTS["PDF_TIMEOUT"]):
        """Remember the service's base URL (e.g. http://gotenberg:3000) and the request timeout."""
        self.endpoint = url.rstrip("/") + "/forms/libreoffice/convert"
        self.timeout = timeout

    def convert(self, docx: bytes) -> bytes:
        """The PDF of `docx`; PoolBusy if the service says it is busy, else ConversionError after a retry."""
        failure = ""
        for attempt in (1, 2):
            try:
                return self._post(docx)
            except urllib.error.HTTPError as error:
                if error.code in BUSY:
                    raise PoolBusy(f"{self.endpoint} answered {error.code}") from None
                failure = f"{self.endpoint} answered {error.code}"
            except (OSError, ValueError) as error:  # refused, reset, timed out
                failure = f"{self.endpoint}: {error}"
            log.warning("PDF conversion attempt %d failed: %s", attempt, failure)
        raise ConversionError(failure)

    def _post(self, docx: bytes) -> bytes:
        """One request; the response body if it is a PDF."""
        body, content_type = multipart(docx)
        request = urllib.request.Request(self.endpoint, data=body, headers={"Content-Type": content_type})
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            pdf = response.read()
        if not pdf.startswith(b"%PDF-"):
            raise ValueError("the answer is not a PDF")
        return pdf
