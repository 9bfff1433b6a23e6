"""Errors of PDF conversion; the API maps both to 503 with Retry-After and `message`."""

from __future__ import annotations


class PdfError(Exception):
    """No PDF now: the caller still has the .docx and may retry after `retry_after` seconds."""

    message = "PDF 生成失败，请稍后重试；Word 文档可以照常下载。"
    retry_after = 30

    def __init__(self, detail: str = ""):
        """Keep `detail` (English, for logs) next to the Chinese `message` for users."""
        self.detail = detail
        super().__init__(f"{self.message} ({detail})" if detail else self.message)


class ConversionError(PdfError):
    """The converter failed on this document twice, or cannot run at all."""


class PoolBusy(PdfError):
    """Every converter stayed busy for the whole waiting time."""

    message = "PDF 转换服务繁忙，请稍后重试；Word 文档可以照常下载。"
    retry_after = 5
