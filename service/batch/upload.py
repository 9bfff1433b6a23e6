"""Checks an upload is a real, reasonably sized .xlsx before anything inflates it (zip-bomb guard).

Only the zip's end record and central directory are read: the entry count, every entry's
declared sizes and the compression ratio. Python's zipfile never inflates an entry beyond its
declared size, so these limits hold for whatever openpyxl later reads.
"""

from __future__ import annotations

import io
import struct
import zipfile

MAX_BYTES = 20 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_INFLATED = 200 * 1024 * 1024
MAX_RATIO = 100
RATIO_FROM = 1024 * 1024  # smaller entries may compress better without harm
REQUIRED = ("[Content_Types].xml", "xl/workbook.xml")
END_RECORD = b"PK\x05\x06"
END_RECORD_SIZE = 22
MAX_COMMENT = 0xFFFF
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
ENCRYPTED = 0x1
METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
MB = 1024 * 1024


class UnsafeUpload(ValueError):
    """The upload is not an .xlsx this service will open; `too_large` for the size limit (413)."""

    def __init__(self, message: str, too_large: bool = False):
        """Keep the Chinese message and whether the size was the problem."""
        super().__init__(message)
        self.message, self.too_large = message, too_large


def check_xlsx(data: bytes) -> None:
    """Raise UnsafeUpload unless `data` is a plain .xlsx within every limit."""
    if len(data) > MAX_BYTES:
        raise UnsafeUpload(f"文件过大（{len(data) / MB:.1f} MB），上限为 {MAX_BYTES // MB} MB。", too_large=True)
    if data.startswith(OLE_MAGIC):
        raise UnsafeUpload("这是旧版 .xls 文件（或加密的工作簿）：请在 Excel 中另存为 .xlsx 后上传。")
    if _declared_entries(data) > MAX_ENTRIES:
        raise UnsafeUpload(f"文件内部条目过多（超过 {MAX_ENTRIES} 个），不像正常的 Excel 表格，已拒绝。")
    try:
        entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, struct.error):
        raise UnsafeUpload("文件已损坏或不是 Excel（.xlsx）文件。") from None
    _check_entries(entries)


def _declared_entries(data: bytes) -> int:
    """The entry count in the zip's end record (read before parsing the directory it counts)."""
    start = data.rfind(END_RECORD, max(0, len(data) - END_RECORD_SIZE - MAX_COMMENT))
    if start < 0 or len(data) < start + END_RECORD_SIZE:
        raise UnsafeUpload("不是 Excel（.xlsx）文件：请上传用 Excel、WPS 或 LibreOffice 保存的 .xlsx 表格。")
    return struct.unpack_from("<H", data, start + 10)[0]


def _check_entries(entries: list[zipfile.ZipInfo]) -> None:
    """The parts an .xlsx needs are there; no entry is encrypted, oddly packed or a bomb."""
    names = {entry.filename for entry in entries}
    if not all(name in names for name in REQUIRED):
        raise UnsafeUpload("不是 Excel（.xlsx）文件：缺少工作簿内容。Word、WPS 文字或压缩包请勿上传。")
    if any(entry.flag_bits & ENCRYPTED or entry.compress_type not in METHODS for entry in entries):
        raise UnsafeUpload("工作簿已加密或使用了不支持的压缩方式：请取消密码保护后另存为 .xlsx 再上传。")
    if sum(entry.file_size for entry in entries) > MAX_INFLATED:
        raise UnsafeUpload(f"文件解压后超过 {MAX_INFLATED // MB} MB，疑似压缩炸弹，已拒绝。")
    for entry in entries:
        if entry.file_size > RATIO_FROM and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise UnsafeUpload(f"文件中的 {entry.filename} 压缩比异常（超过 {MAX_RATIO} 倍），疑似压缩炸弹，已拒绝。")
