"""Uploads are checked from the zip's directory alone: bombs and oddities are refused before inflating."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from service.batch import upload
from service.batch.upload import UnsafeUpload, check_xlsx
from service.batch.writer import filled_sheet

from .conftest import certificates, kind

BOMB_BYTES = 512 * 1024 * 1024


def zip_of(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip holding these entries."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A small .xlsx whose sharedStrings.xml inflates to 512 MB of one repeated string."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/sharedStrings.xml", "w") as strings:
            block = b"<si><t>a</t></si>" * 65536
            for _ in range(BOMB_BYTES // len(block)):
                strings.write(block)
    return out.getvalue()


def test_a_real_workbook_passes():
    """What the service itself writes is accepted."""
    check_xlsx(filled_sheet(kind("certificate"), certificates(3)))


def test_zip_bomb_is_refused_before_anything_is_inflated(bomb, monkeypatch):
    """A 1 MB file declaring 512 MB is refused from its directory: nothing is opened, in well under a second."""
    assert len(bomb) < 2 * 1024 * 1024

    def no_opening(*args, **kwargs):
        """Fail the test if an entry is opened."""
        raise AssertionError("an entry was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_opening)
    start = time.perf_counter()
    with pytest.raises(UnsafeUpload, match="压缩炸弹"):
        check_xlsx(bomb)
    assert time.perf_counter() - start < 1


def test_one_entry_with_an_extreme_ratio_is_refused():
    """Below the total limit, an entry compressing more than 100-fold is still refused."""
    data = zip_of({"[Content_Types].xml": b"<T/>", "xl/workbook.xml": b"<w/>", "xl/worksheets/sheet1.xml": b"0" * (20 << 20)})
    with pytest.raises(UnsafeUpload, match="压缩比异常"):
        check_xlsx(data)


@pytest.mark.parametrize("data, message", [
    (b"hello, not a zip at all", "不是 Excel"),
    (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "旧版 .xls"),
    (zip_of({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<T/>"}), "缺少工作簿"),
    (zip_of({"[Content_Types].xml": b"<T/>", "xl/workbook.xml": b"<w/>"}, zipfile.ZIP_BZIP2), "不支持的压缩方式"),
    (b"PK\x05\x06" + b"\0" * 6 + b"\xff\xff" + b"\0" * 10, "条目过多"),
])
def test_other_non_workbooks_are_refused_in_chinese(data, message):
    """Not a zip, an old .xls, a Word file, odd compression, a huge entry count: each has its reason."""
    with pytest.raises(UnsafeUpload, match=message):
        check_xlsx(data)


def test_oversize_uploads_are_too_large(monkeypatch):
    """Past the size limit the refusal says so (the API answers 413)."""
    monkeypatch.setattr(upload, "MAX_BYTES", 1000)
    with pytest.raises(UnsafeUpload) as refused:
        check_xlsx(b"PK" + b"\0" * 2000)
    assert refused.value.too_large and "文件过大" in refused.value.message
