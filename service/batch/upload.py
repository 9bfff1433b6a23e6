"""Checks an upload is a real, reasonably sized .xlsx or .docx before anything inflates it (zip-bomb guard).

Only the zip's end record and central directory are read: the entry count, every entry's
declared sizes and the compression ratio. Python's zipfile never inflates an entry beyond its
declared size, so these limits hold for whatever openpyxl later reads.
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass

MAX_BYTES = 20 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_INFLATED = 200 * 1024 * 1024
MAX_RATIO = 100
RATIO_FROM = 1024 * 1024  # smaller entries may compress better without harm
END_RECORD = b"PK\x05\x06"
END_RECORD_SIZE = 22
MAX_COMMENT = 0xFFFF
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
ENCRYPTED = 0x1
METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
MB = 1024 * 1024


class UnsafeUpload(ValueError):
    """The upload is not a file this service will open; `too_large` for the size limit (413)."""

    def __init__(self, message: str, too_large: bool = False):
        """Keep the Chinese message and whether the size was the problem."""
        super().__init__(message)
        self.message, self.too_large = message, too_large


@dataclass(frozen=True)
class OfficeFormat:
    """An Office Open XML format as an upload must be: its name, the parts it needs, how to fix a wrong file."""

    name: str  # as messages say it, e.g. Excel（.xlsx）
    extension: str
    noun: str  # what the file is called, e.g. 工作簿
    required: tuple[str, ...]
    legacy: str  # the message for an old binary (OLE) file
    missing: str  # the message for a zip without the format's parts
    saved_by: str  # which programs save the format, for the message on a file that is no zip at all


XLSX = OfficeFormat(
    "Excel（.xlsx）", ".xlsx", "工作簿", ("[Content_Types].xml", "xl/workbook.xml"),
    "这是旧版 .xls 文件（或加密的工作簿）：请在 Excel 中另存为 .xlsx 后上传。",
    "不是 Excel（.xlsx）文件：缺少工作簿内容。Word、WPS 文字或压缩包请勿上传。",
    "请上传用 Excel、WPS 或 LibreOffice 保存的 .xlsx 表格",
)
DOCX = OfficeFormat(
    "Word（.docx）", ".docx", "文档", ("[Content_Types].xml", "word/document.xml"),
    "这是旧版 .doc 文件（或加密的文档）：请在 Word 或 WPS 中另存为 .docx 后上传。",
    "不是 Word（.docx）文件：缺少文档正文。Excel 表格、WPS 表格或压缩包请勿上传。",
    "请上传用 Word、WPS 或 LibreOffice 保存的 .docx 文档",
)


def check_xlsx(data: bytes) -> None:
    """Raise UnsafeUpload unless `data` is a plain .xlsx within every limit."""
    check_package(data, XLSX, MAX_BYTES)


def too_large(size: int | None, max_bytes: int) -> str:
    """The message for a file past the size limit (its size when known)."""
    shown = f"（{size / MB:.1f} MB）" if size else ""
    return f"文件过大{shown}，上限为 {max_bytes // MB} MB。"


def check_package(data: bytes, office: OfficeFormat, max_bytes: int) -> list[zipfile.ZipInfo]:
    """The package's entries; UnsafeUpload unless `data` is a plain file of the format within every limit."""
    if len(data) > max_bytes:
        raise UnsafeUpload(too_large(len(data), max_bytes), too_large=True)
    if data.startswith(OLE_MAGIC):
        raise UnsafeUpload(office.legacy)
    if _declared_entries(data, office) > MAX_ENTRIES:
        raise UnsafeUpload(f"文件内部条目过多（超过 {MAX_ENTRIES} 个），不像正常的{office.noun}，已拒绝。")
    try:
        entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, struct.error):
        raise UnsafeUpload(f"文件已损坏或不是 {office.name}文件。") from None
    _check_entries(entries, office)
    return entries


def _declared_entries(data: bytes, office: OfficeFormat) -> int:
    """The entry count in the zip's end record (read before parsing the directory it counts)."""
    start = data.rfind(END_RECORD, max(0, len(data) - END_RECORD_SIZE - MAX_COMMENT))
    if start < 0 or len(data) < start + END_RECORD_SIZE:
        raise UnsafeUpload(f"不是 {office.name}文件：{office.saved_by}。")
    return struct.unpack_from("<H", data, start + 10)[0]


def _check_entries(entries: list[zipfile.ZipInfo], office: OfficeFormat) -> None:
    """The parts the format needs are there; no entry is encrypted, oddly packed or a bomb."""
    names = {entry.filename for entry in entries}
    if not all(name in names for name in office.required):
        raise UnsafeUpload(office.missing)
    if any(entry.flag_bits & ENCRYPTED or entry.compress_type not in METHODS for entry in entries):
        raise UnsafeUpload(f"{office.noun}已加密或使用了不支持的压缩方式：请取消密码保护后另存为 {office.extension} 再上传。")
    if sum(entry.file_size for entry in entries) > MAX_INFLATED:
        raise UnsafeUpload(f"文件解压后超过 {MAX_INFLATED // MB} MB，疑似压缩炸弹，已拒绝。")
    for entry in entries:
        if entry.file_size > RATIO_FROM and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise UnsafeUpload(f"文件中的 {entry.filename} 压缩比异常（超过 {MAX_RATIO} 倍），疑似压缩炸弹，已拒绝。")
